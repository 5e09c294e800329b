// The access matrix (issue 18 point 2), generated from the served OpenAPI document: every
// operation, every role, and for every route that names an object a second party of the same
// role (another organisation, another user) — no route is written out by hand. A route the
// matrix does not know how to cover fails the test instead of being skipped.
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { ObjectLiteral } from 'typeorm';
import {
  type AccessClause,
  type AccessPolicy,
  accessPolicies,
} from '../../src/core/access/access-policy.js';
import { USER_ROLES, type UserRole } from '../../src/core/actor.js';
import { StateMachineRegistry } from '../../src/core/state-machine/state-machine.registry.js';
import { PHOTO_STORE, type PhotoStore } from '../../src/photos/data/photo-store.js';
import { computeCheckDigit } from '../../src/vehicles/domain/vin.js';
import { RowMaker } from '../races/support/row-maker.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  loadRoutes,
  resolve,
  type Route,
  roleAllowed,
  type SchemaObject,
} from './support/routes.js';

/** Roles that see per object; admin and support read everything by design (spec §2). */
const SCOPED_ROLES: UserRole[] = ['customer', 'courier', 'warehouse', 'technician', 'merchant'];

/**
 * Which object a route's first path parameter names: the path's prefix → the entity's access
 * policy (by its name). The matrix makes the object with the columns the policy says make it
 * the owner's, so the table holds no ownership rules of its own.
 */
const OBJECT_OF_PATH: Array<
  [prefix: string, policy: string, fixed?: Record<string, unknown>, key?: string]
> = [
  ['/api/v1/trade-ins/{id}', 'Trade-in'],
  ['/api/v1/pickups/{id}', 'Pickup'],
  // The history of an item: its current and past owners (not whoever holds it now).
  ['/api/v1/items/{id}/timeline', 'Item history'],
  ['/api/v1/items/{id}/custody', 'Item history'],
  ['/api/v1/items/{id}', 'Item'],
  ['/api/v1/receiving/parcels/{id}', 'Parcel'],
  ['/api/v1/inspections/{id}', 'Inspection'],
  ['/api/v1/grading/calibration/tasks/{id}', 'Calibration task'],
  ['/api/v1/erasures/{id}', 'Erasure'],
  ['/api/v1/support/cases/{id}', 'Support case'],
  ['/api/v1/refurbishments/{id}', 'Refurbishment order'],
  ['/api/v1/recycling-lots/{id}', 'Recycling lot'],
  ['/api/v1/listings/{id}', 'Listing'],
  ['/api/v1/sale-orders/{id}', 'Sale order'],
  ['/api/v1/vehicle-paperwork/{id}', 'Paperwork task'],
  ['/api/v1/webhooks/subscriptions/{id}', 'Subscription'],
  // An issued statement: not yet paid, so no money transfer to make first.
  ['/api/v1/settlements/{id}', 'Settlement statement', { state: 'issued', transfer_id: null }],
  ['/api/v1/inventory/{itemId}', 'Inventory item'],
  // Issued before credentials: no status-list entry to make first.
  [
    '/api/v1/certificates/{id}',
    'Certificate',
    { credential: null, status_list: null, status_index: null },
  ],
  ['/api/v1/storage-media/{id}', 'Storage medium'],
  // A car is named by its VIN (its row's `vin`, reached through the items carrying it).
  ['/api/v1/vehicles/{vin}', 'Vehicle', {}, 'vin'],
  ['/api/v1/vehicles/by-item/{itemId}', 'Item'],
  ['/api/v1/photos/{id}', 'Photo'],
  ['/api/v1/webhooks/deliveries/{id}', 'Delivery'],
];

/**
 * Routes with a path parameter that a scoped role may call but whose object has no access
 * policy yet, each with the reason. Every other such route must be in OBJECT_OF_PATH: a new
 * route fails the matrix until it is placed in one of the two.
 */
const OUTSIDE_MATRIX: Record<string, string> = {
  '/api/v1/users/{id}': 'people, not objects: a stranger sees a public profile (accounts tests)',
  '/api/v1/organisations/{id}': 'organisations are public facts (name, kind) to every user',
  '/api/v1/stations/{id}': 'wiping stations are platform equipment every party may look up',
  '/api/v1/merchants/{id}': 'the merchant is the organisation itself (money.e2e checks 404)',
  '/api/v1/inventory/pool/':
    'the pool is shared: any merchant may claim an item no merchant holds (resale.e2e)',
};

/** A VIN that passes the path's check (ISO 3779 check digit), different each time. */
function randomVin(): string {
  const body = `LVGBE40K0KR${String(randomInt(1_000_000)).padStart(6, '0')}`;
  return `${body.slice(0, 8)}${computeCheckDigit(body)}${body.slice(9)}`;
}

/** A well-formed value for a path parameter that is not the object under test. */
const paramValue = (name: string) =>
  name === 'vin' ? '1HGCM82633A004352' : name === 'traceCode' ? 'RL-ABCD-EFGH' : randomUUID();

/**
 * Values for body fields whose format a schema cannot say (a DTO's @Matches, or a field the
 * handler requires for one action): used wherever a body has a field of that name.
 */
const SAMPLE_VALUES: Record<string, unknown> = {
  signature: 'A'.repeat(86),
  device: '/dev/sdb',
  trackingNumber: 'SF1234567890',
  reason: 'matrix probe',
  carrier: 'SF Express',
  readOn: '2024-05-01',
};

/** A smallest body the route's schema accepts, so validation does not answer before access. */
function bodyFor(doc: Parameters<typeof resolve>[0], schema: SchemaObject | null): unknown {
  if (!schema) return {};
  const make = (s: SchemaObject, depth: number): unknown => {
    const r = resolve(doc, s) as SchemaObject & {
      enum?: unknown[];
      format?: string;
      minimum?: number;
      minLength?: number;
      minItems?: number;
      oneOf?: SchemaObject[];
      anyOf?: SchemaObject[];
    };
    if (depth > 6) return null;
    if (r.enum?.length) return r.enum[0];
    if (r.oneOf?.length) return make(r.oneOf[0], depth + 1);
    if (r.anyOf?.length) return make(r.anyOf[0], depth + 1);
    switch (r.type) {
      case 'object':
      case undefined: {
        const out: Record<string, unknown> = {};
        for (const key of r.required ?? [])
          out[key] = make(r.properties?.[key] ?? { type: 'string' }, depth + 1);
        for (const [key, prop] of Object.entries(r.properties ?? {}))
          if (key in SAMPLE_VALUES && !(resolve(doc, prop) as { enum?: unknown[] }).enum)
            out[key] = SAMPLE_VALUES[key];
        return out;
      }
      case 'string':
        if (r.format === 'uuid') return randomUUID();
        if (r.format === 'date-time') return new Date().toISOString();
        if (r.format === 'date') return new Date().toISOString().slice(0, 10);
        if (r.format === 'email') return 'someone@example.com';
        return 'x'.repeat(Math.max(r.minLength ?? 1, 1));
      case 'integer':
      case 'number':
        return Math.max(r.minimum ?? 1, 1);
      case 'boolean':
        return true;
      case 'array':
        return r.minItems ? [make(r.items ?? { type: 'string' }, depth + 1)] : [];
      default:
        return null;
    }
  };
  return make(schema, 0);
}

type Doc = Parameters<typeof resolve>[0];

describe('access matrix: every route of the OpenAPI document, every role, a second party', () => {
  let t: TestApp;
  let routes: Route[];
  let doc: Doc;
  const users: Partial<Record<UserRole, TestUser>> = {};
  const strangers: Partial<Record<UserRole, TestUser>> = {};

  beforeAll(async () => {
    t = await createTestApp();
    ({ routes, doc } = await loadRoutes(t));
    for (const role of USER_ROLES) {
      users[role] = await t.user(role);
      // Same role, another organisation (staff) or another person (customers, couriers).
      strangers[role] = await t.user(role);
    }
  }, 120_000);
  afterAll(() => t.close());

  const call = (route: Route, url: string, user: TestUser | null, body: unknown) => {
    const agent = request(t.app.getHttpServer());
    let req = agent[route.method](url);
    if (user) req = req.set(user.auth);
    return route.method === 'get' ? req : req.send(body as object);
  };
  const urlWith = (route: Route, first: string | null) => {
    let n = 0;
    return route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(n++ === 0 && first ? first : paramValue(name)),
    );
  };

  const policyOf = (name: string) => {
    const policy = accessPolicies().find((p) => p.name === name);
    if (!policy) throw new Error(`no access policy named ${name}`);
    return policy;
  };

  /**
   * The policy's first clause the user can meet (role's, then everyone's); a related-row clause
   * counts when the user can own the related row.
   */
  const ownClause = (
    policy: AccessPolicy<ObjectLiteral>,
    user: TestUser,
  ): AccessClause<ObjectLiteral> | null => {
    const clauses: readonly AccessClause<ObjectLiteral>[] = [
      ...(policy.rules[user.role] ?? []),
      ...(policy.rules.any ?? []),
    ];
    return (
      clauses.find((clause) => {
        for (const [prop, want] of Object.entries(clause)) {
          if (prop === 'follows') continue;
          if (want === 'userId' && user.id === null) return false;
          if (want === 'organisationId' && user.organisationId === null) return false;
        }
        return !clause.follows || ownClause(clause.follows.policy, user) !== null;
      }) ?? null
    );
  };
  /** Columns that make a row the user's under `ownClause` (making the related row first). */
  const ownedBy = async (policy: AccessPolicy<ObjectLiteral>, user: TestUser) => {
    const clause = ownClause(policy, user);
    if (!clause) return {};
    const fixed: Record<string, unknown> = {};
    for (const [prop, want] of Object.entries(clause)) {
      if (prop === 'follows') continue;
      fixed[policy.columns.get(prop)!] =
        want === 'userId'
          ? user.id
          : want === 'organisationId'
            ? user.organisationId
            : (want as { is: unknown }).is;
    }
    const follows = clause.follows;
    if (follows) {
      const to = follows.to ?? 'id';
      fixed[policy.columns.get(follows.by)!] = await objectOf(
        follows.policy,
        user,
        follows.policy.columns.get(to) ?? to,
      );
    }
    return fixed;
  };
  const made = new Map<string, string>();
  /**
   * An object of the policy's entity that is `owner`'s (or nobody's, if the role cannot own
   * one); its `key` column (the primary key unless a related-row rule joins on another).
   */
  const objectOf = async (
    policy: AccessPolicy<ObjectLiteral>,
    owner: TestUser,
    key?: string,
  ): Promise<string> => {
    const fixed = OBJECT_OF_PATH.find(([, name]) => name === policy.name)?.[2] ?? {};
    const meta = policy.entity ? t.dataSource.getMetadata(policy.entity) : null;
    const column = key ?? meta?.primaryColumns[0].databaseName ?? 'id';
    const cacheKey = `${policy.name}:${owner.id}:${column}`;
    if (!made.has(cacheKey)) {
      const table = policy.tableName();
      const machine = t.app
        .get(StateMachineRegistry)
        .all()
        .find((m) => m.entity === policy.entity);
      const id = await new RowMaker(t.dataSource).make(
        table,
        {
          ...(machine ? { state: machine.initial[0], version: 1 } : {}),
          // Every item the matrix makes is a car: the vehicle routes reach it by VIN.
          ...(table === 'items' ? { vin: randomVin() } : {}),
          ...fixed,
          ...(await ownedBy(policy, owner)),
        },
        0,
        column,
      );
      // A photo's owner reads its image and thumbnail: the store holds bytes under its keys.
      if (table === 'photos') {
        const [row] = await t.dataSource.query(
          'SELECT storage_key, thumbnail_key FROM photos WHERE id = $1',
          [id],
        );
        const store = t.app.get<PhotoStore>(PHOTO_STORE);
        for (const key of [row.storage_key, row.thumbnail_key])
          await store.put(key, Buffer.from('matrix probe'), 'image/jpeg');
      }
      made.set(cacheKey, id);
    }
    return made.get(cacheKey)!;
  };

  it('reads who may call each operation from the document, as the guard enforces it', () => {
    expect(routes.length).toBeGreaterThan(100);
    const paths = (doc as unknown as { paths: Record<string, Record<string, unknown>> }).paths;
    const wrong: string[] = [];
    for (const route of routes) {
      const declared = (paths[route.path][route.method] as { 'x-access'?: unknown })['x-access'];
      const rule = route.access;
      const expected = !rule
        ? undefined
        : 'public' in rule
          ? // No user token either way; a station-signed route checks a station's signature.
            declared === 'station'
            ? 'station'
            : 'public'
          : rule.roles === 'any'
            ? 'signed-in'
            : [...rule.roles];
      if (JSON.stringify(declared) !== JSON.stringify(expected))
        wrong.push(
          `${route.operationId}: document ${JSON.stringify(declared)}, guard ${JSON.stringify(expected)}`,
        );
    }
    expect(wrong).toEqual([]);
  });

  it('answers 401 without a token and 403 to every role a route does not name', async () => {
    const wrong: string[] = [];
    let probes = 0;
    for (const route of routes) {
      const rule = route.access;
      if (!rule || 'public' in rule) continue;
      const body = bodyFor(doc, route.body);
      const url = urlWith(route, null);
      const anonymous = await call(route, url, null, body);
      probes++;
      if (anonymous.status !== 401)
        wrong.push(`${route.method} ${url} anonymous: ${anonymous.status}`);
      for (const role of USER_ROLES) {
        if (roleAllowed(route, role)) continue;
        const res = await call(route, url, users[role]!, body);
        probes++;
        if (res.status !== 403) wrong.push(`${route.method} ${url} as ${role}: ${res.status}`);
      }
    }
    expect(probes).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  }, 300_000);

  it('answers 404 to a second party of the same role for an object that is not theirs', async () => {
    const uncovered: string[] = [];
    const wrong: string[] = [];
    let probes = 0;
    for (const route of routes) {
      const rule = route.access;
      if (!rule || 'public' in rule || route.params.length === 0) continue;
      const roles = SCOPED_ROLES.filter((r) => roleAllowed(route, r));
      if (roles.length === 0) continue;
      const kind = OBJECT_OF_PATH.find(([prefix]) => route.path.startsWith(prefix));
      if (!kind) {
        if (!Object.keys(OUTSIDE_MATRIX).some((p) => route.path.startsWith(p)))
          uncovered.push(`${route.method.toUpperCase()} ${route.path}`);
        continue;
      }
      const policy = policyOf(kind[1]);
      const body = bodyFor(doc, route.body);
      for (const role of roles) {
        const owner = users[role]!;
        const id = await objectOf(policy, owner, kind[3]);
        const url = urlWith(route, id);
        // The second party of the same role: never told the object exists.
        const res = await call(route, url, strangers[role]!, body);
        probes++;
        if (res.status !== 404)
          wrong.push(
            `${route.method.toUpperCase()} ${url} as another ${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)} for ${JSON.stringify(body)}`,
          );
        // The owner reads it (proof that the 404 is about whose it is, not a broken fixture).
        if (route.method === 'get' && ownClause(policy, owner) && route.params.length === 1) {
          const own = await call(route, url, owner, body);
          probes++;
          if (own.status === 404)
            wrong.push(`GET ${url} as its own ${role}: 404 (${JSON.stringify(own.body)})`);
        }
      }
    }
    expect(uncovered).toEqual([]);
    expect(probes).toBeGreaterThan(80);
    expect(wrong).toEqual([]);
  }, 300_000);

  it('lists an object to its owner and never to a second party of the same role', async () => {
    const wrong: string[] = [];
    let probes = 0;
    for (const route of routes) {
      const rule = route.access;
      if (route.method !== 'get' || !rule || 'public' in rule || route.params.length > 0) continue;
      const kind = OBJECT_OF_PATH.find(
        ([prefix]) => prefix.replace(/\/\{\w+\}$/, '') === route.path,
      );
      if (!kind) continue;
      const policy = policyOf(kind[1]);
      for (const role of SCOPED_ROLES.filter((r) => roleAllowed(route, r))) {
        const owner = users[role]!;
        const id = await objectOf(policy, owner);
        // A merchant's inventory lists what it holds: the item allocated to it.
        if (policy.name === 'Inventory item')
          await t.dataSource.query(`UPDATE items SET state = 'ALLOCATED' WHERE id = $1`, [id]);
        const ids = async (user: TestUser) => {
          const res = await call(route, route.path, user, {});
          probes++;
          const items = (res.body as { items?: Array<{ id?: string; itemId?: string }> }).items;
          if (res.status !== 200 || !items)
            wrong.push(`GET ${route.path} as ${role}: ${res.status}`);
          // An inventory row is named by its item.
          return (items ?? []).map((i) => i.id ?? i.itemId);
        };
        if ((await ids(strangers[role]!)).includes(id))
          wrong.push(`GET ${route.path} lists another ${role}'s ${policy.name} ${id}`);
        if (ownClause(policy, owner) && !(await ids(owner)).includes(id))
          wrong.push(`GET ${route.path} leaves out its own ${role}'s ${policy.name} ${id}`);
      }
    }
    expect(probes).toBeGreaterThan(15);
    expect(wrong).toEqual([]);
  }, 120_000);
});
