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
