import type { TestApp, TestUser } from './test-app.js';

/**
 * Reads for e2e tests through the platform's own HTTP routes, as staff who see everything would
 * (an admin of the test app, made once per app), instead of reading the database.
 */

const admins = new WeakMap<TestApp, Promise<TestUser>>();

/** The test app's admin (signed in; one per app). */
export function adminOf(t: TestApp): Promise<TestUser> {
  let admin = admins.get(t);
  if (!admin) {
    admin = t.user('admin');
    admins.set(t, admin);
  }
  return admin;
}

/** An item as GET /api/v1/items/:id shows it to an admin. */
export interface ItemView {
  id: string;
  traceCode: string;
  state: string;
  version: number;
  allowedActions: string[];
  grade: string | null;
  erasureStatus: string;
  custodian: { kind: string; id: string | null };
  ownerId: string | null;
  /** The custodian's kind and id, spelled as the item's columns are (custodian.kind/id). */
  custodianKind: string;
  custodianId: string | null;
}

/** GET /api/v1/items/:id as an admin. */
export async function itemOf(t: TestApp, id: string): Promise<ItemView> {
  const res = await t.http
    .get(`/api/v1/items/${id}`)
    .set((await adminOf(t)).auth)
    .expect(200);
  const body = res.body as Omit<ItemView, 'custodianKind' | 'custodianId'>;
  return { ...body, custodianKind: body.custodian.kind, custodianId: body.custodian.id };
}

/** An event of an item's history, as GET /api/v1/items/:id/timeline shows it to an admin. */
export interface TimelineEvent {
  seq: number;
  at: string;
  type: string;
  entity: string;
  entityId: string;
  fromState: string | null;
  toState: string | null;
  actor: { role: string; id?: string | null };
  custodian: { kind: string; id?: string | null; name?: string } | null;
  place: unknown;
  data: Record<string, unknown>;
}

/**
 * An item's history in order (GET /api/v1/items/:id/timeline as an admin), each event also
 * carrying the history table's own names for the fields tests compare (`actor_role`,
 * `custodian_kind`, `custodian_id`, `entity_id`).
 */
export async function timelineOf(
  t: TestApp,
  itemId: string,
): Promise<
  Array<
    TimelineEvent & {
      actor_role: string;
      custodian_kind: string | null;
      custodian_id: string | null;
      entity_id: string;
    }
  >
> {
  const res = await t.http
    .get(`/api/v1/items/${itemId}/timeline`)
    .set((await adminOf(t)).auth)
    .expect(200);
  return (res.body.events as TimelineEvent[]).map((e) => ({
    ...e,
    actor_role: e.actor.role,
    custodian_kind: e.custodian?.kind ?? null,
    custodian_id: e.custodian?.id ?? null,
    entity_id: e.entityId,
  }));
}

/** A leaf category (level 3) by its code, from GET /api/v1/categories?view=flat&level=3. */
export async function leafByCode(
  t: TestApp,
  code: string,
): Promise<{ id: string; code: string; requiresErasure: boolean; standardCode?: string }> {
  const res = await t.http.get('/api/v1/categories?view=flat&level=3').expect(200);
  const leaf = (
    res.body.items as Array<{
      id: string;
      code: string;
      requiresErasure: boolean;
      standardCode?: string;
    }>
  ).find((c) => c.code === code);
  if (!leaf) throw new Error(`no leaf category ${code}`);
  return leaf;
}

/** A product model as GET /api/v1/product-models shows it. */
export interface ProductModelView {
  id: string;
  code: string;
  brand: string;
  model: string;
  categoryId: string;
  launchPrice: { amountMinor: number; currency: string } | null;
}

/** Every product model, page by page from GET /api/v1/product-models, in code order. */
export async function productModels(t: TestApp): Promise<ProductModelView[]> {
  const all: ProductModelView[] = [];
  let cursor: string | null = null;
  do {
    const res = await t.http
      .get('/api/v1/product-models')
      .query({ limit: 200, ...(cursor ? { cursor } : {}) })
      .expect(200);
    all.push(...(res.body.items as ProductModelView[]));
    cursor = res.body.nextCursor as string | null;
  } while (cursor);
  return all.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}
