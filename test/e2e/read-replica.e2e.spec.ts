// Reads off the primary (issue 27 point 4): the platform runs on a throwaway primary with a real
// streaming replica (pg_basebackup -R) and DATABASE_READ_URL pointing at it. WAL replay is paused
// on the replica, so a change made afterwards is on the primary only: a read that misses it was
// served by the replica, a read that shows it by the primary. Which server ReadDatabase and the
// DataSource talk to is checked in test/integration/read-replica.spec.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type Actor, SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { OpsServer } from '../../src/platform/ops-server.js';
import { ensureDatabase, migrate } from '../../src/database/database.js';
import { freePortBetween, sleep, ThrowawayPostgres } from '../faults/support/servers.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

// This machine's throwaway servers live on 5500–5599 (the shared ones on 5432/6379).
const PORTS = [5500, 5599] as const;

describe('read replica: passport, market, timeline and support search read off the primary', () => {
  let primary: ThrowawayPostgres | undefined;
  let replica: ThrowawayPostgres | undefined;
  let t: TestApp | undefined;
  let owner: TestUser;
  let support: TestUser;
  let replicaSql: pg.Client;
  let opsBase: string;

  const app = () => t as TestApp;
  const as = (u: TestUser): Actor => ({ role: u.role, userId: u.id, organisationId: null });

  /** An item the owner declared (on the primary, as every write). */
  const register = (): Promise<Item> =>
    app().dataSource.transaction((m) =>
      app()
        .app.get(ItemsService)
        .register(m, as(owner), {
          ownerId: owner.id,
          custodian: { kind: 'owner', id: owner.id },
          erasureStatus: 'not_required',
        }),
    );

  /** A gauge's value on the operations port's /metrics (null when it has no sample). */
  const gauge = async (name: string): Promise<number | null> => {
    const text = await (await fetch(`${opsBase}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? null : Number(line.slice(name.length + 1));
  };

  const onReplica = async (itemId: string) =>
    (await replicaSql.query('SELECT 1 FROM items WHERE id = $1', [itemId])).rowCount === 1;

  beforeAll(async () => {
    primary = await ThrowawayPostgres.start({
      port: await freePortBetween(...PORTS),
      settings: { log_statement: 'all' },
    });
    replica = await primary.startReplica({
      port: await freePortBetween(primary.port + 1, PORTS[1]),
      settings: { log_statement: 'all' },
    });
    const databaseUrl = primary.url('reloop');
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    t = await createTestApp({
      DATABASE_URL: databaseUrl,
      DATABASE_READ_URL: replica.url('reloop'),
      RELOOP_MODE: 'api',
    });
    owner = await t.user('customer');
    support = await t.user('support');
    opsBase = `http://127.0.0.1:${await t.app.get(OpsServer).listen(0, '127.0.0.1')}`;
    replicaSql = new pg.Client({ connectionString: replica.url('reloop') });
    await replicaSql.connect();
  }, 180_000);

  afterAll(async () => {
    await replicaSql?.end().catch(() => undefined);
    await t?.close();
    await replica?.destroy();
    await primary?.destroy();
  }, 60_000);

  it('serves the lagging paths from the replica and the caller’s own objects from the primary', async () => {
    const item = await register();
    for (let i = 0; i < 100 && !(await onReplica(item.id)); i++) await sleep(100);
    expect(await onReplica(item.id)).toBe(true);

    // From here on the replica holds still: what happens next is on the primary only.
    await replicaSql.query('SELECT pg_wal_replay_pause()');
    for (let i = 0; i < 50; i++) {
      const { rows } = await replicaSql.query<{ s: string }>(
        'SELECT pg_get_wal_replay_pause_state() AS s',
      );
      if (rows[0].s === 'paused') break;
      await sleep(100);
    }
    await app().dataSource.transaction((m) =>
      app()
        .app.get(HistoryService)
        .append(m, [item.id], {
          type: 'Inspection.complete',
          entity: 'Inspection',
          entityId: randomUUID(),
          fromState: 'IN_PROGRESS',
          toState: 'COMPLETED',
          actor: SYSTEM_ACTOR,
          data: { grade: 'premium' },
        }),
    );
    const http = app().http;

    // Health names the replica and how far its replay is behind what it has received.
    let health = await http.get('/health').expect(200);
    for (let i = 0; i < 50 && health.body.details.replica.replayBehindBytes === 0; i++) {
      await sleep(100);
      health = await http.get('/health').expect(200);
    }
    expect(health.body.details.replica).toMatchObject({ status: 'up', standby: true });
    expect(health.body.details.replica.replayBehindBytes).toBeGreaterThan(0);
    expect(health.body.details.replica.replayLagSeconds).toBeGreaterThanOrEqual(0);
    // ...and so do the metrics, for alerting on a replica that falls behind.
    expect(await gauge('reloop_replica_replay_behind_bytes')).toBeGreaterThan(0);
    expect(await gauge('reloop_replica_replay_lag_seconds')).toBeGreaterThanOrEqual(0);

    // A QR scan (anonymous) reads the replica: one event, and the chain intact in that snapshot.
    const scanned = await http.get(`/api/v1/trace/${item.traceCode}`).expect(200);
    expect(scanned.body.journey).toHaveLength(1);
    expect(scanned.body.history).toMatchObject({ events: 1, intact: true });
    // A signed-in caller may just have changed it: the primary, with the new event.
    const signedIn = await http.get(`/api/v1/trace/${item.traceCode}`).set(owner.auth).expect(200);
    expect(signedIn.body.journey).toHaveLength(2);
    expect(signedIn.body.history).toMatchObject({ events: 2, intact: true });

    // Support reads timelines from the replica; the owner reads their own item from the primary.
    const forSupport = await http
      .get(`/api/v1/items/${item.id}/timeline`)
      .set(support.auth)
      .expect(200);
    expect(forSupport.body.events).toHaveLength(1);
    const forOwner = await http
      .get(`/api/v1/items/${item.id}/timeline`)
      .set(owner.auth)
      .expect(200);
    expect(forOwner.body.events.map((e: { type: string }) => e.type)).toContain(
      'Inspection.complete',
    );

    // An item made after the pause: support search (replica) does not know it yet...
    const fresh = await register();
    const searched = await http
      .get('/api/v1/support/search')
      .query({ q: fresh.traceCode })
      .set(support.auth)
      .expect(200);
    expect(searched.body.items).toEqual([]);
    // ...but a label printed and scanned at once still finds it: a miss on the replica is
    // asked again of the primary, never a 404 for an item that exists.
    const justPrinted = await http.get(`/api/v1/trace/${fresh.traceCode}`).expect(200);
    expect(justPrinted.body.traceCode).toBe(fresh.traceCode);
    await http.get('/api/v1/trace/ZZZZ-ZZZZ').expect(404);
    const staffTimeline = await http
      .get(`/api/v1/items/${fresh.id}/timeline`)
      .set(support.auth)
      .expect(200);
    expect(staffTimeline.body.events).toHaveLength(1);

    // Replay resumes: the replica catches up and the anonymous passport shows the event.
    await replicaSql.query('SELECT pg_wal_replay_resume()');
    for (let i = 0; i < 100 && !(await onReplica(fresh.id)); i++) await sleep(100);
    const caughtUp = await http.get(`/api/v1/trace/${item.traceCode}`).expect(200);
    expect(caughtUp.body.history).toMatchObject({ events: 2, intact: true });
    expect((await http.get('/health').expect(200)).body.details.replica).toMatchObject({
      status: 'up',
      replayBehindBytes: 0,
      replayLagSeconds: 0,
    });
    expect(await gauge('reloop_replica_replay_behind_bytes')).toBe(0);
    expect(await gauge('reloop_replica_replay_lag_seconds')).toBe(0);
  });

  it('sends market browsing to the replica, a signed-in caller’s to the primary', async () => {
    const http = app().http;
    // The replica's and the primary's statement logs say which server ran the search.
    const shopper = `shopper${randomUUID().slice(0, 8)}`;
    await http.get('/api/v1/market/listings').query({ q: shopper }).expect(200);
    const merchant = await app().user('merchant');
    const own = `merchant${randomUUID().slice(0, 8)}`;
    await http.get('/api/v1/market/listings').query({ q: own }).set(merchant.auth).expect(200);
    const listing = randomUUID();
    await http.get(`/api/v1/market/listings/${listing}`).expect(404);

    const replicaLog = replica?.log() ?? '';
    const primaryLog = primary?.log() ?? '';
    expect(replicaLog).toContain(shopper);
    expect(primaryLog).not.toContain(shopper);
    expect(primaryLog).toContain(own);
    expect(replicaLog).not.toContain(own);
    // A listing the replica does not have is looked up on the primary before the 404.
    expect(replicaLog).toContain(listing);
    expect(primaryLog).toContain(listing);
  });

  // Last: the replica stays down (afterAll copes).
  it('reports 503 with the replica named when the replica stops answering', async () => {
    await replicaSql.end();
    await replica?.stop();
    const res = await app().http.get('/health').expect(503);
    expect(res.body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
      replica: { status: 'down' },
    });
  });
});
