import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import {
  count,
  erasureFigures,
  FaultStack,
  outboxFigures,
  post,
  recordFigures,
  seedItemsNeedingErasure,
  seedUser,
  type SeededUser,
  serverVersions,
  waitFor,
} from './support/fixtures.js';

const K = 8;

/**
 * Kills a process at each point around the outbox, without any hook in the platform: a
 * `LOCK TABLE outbox IN SHARE MODE` held by the test stops the writer's INSERT (before commit)
 * or the relay's UPDATE ... published_at (after publishing to Redis) at exactly that statement.
 */
describe('crash points around the outbox', () => {
  let stack: FaultStack;
  let warehouse: SeededUser;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    stack = await FaultStack.start('faults_outbox_crash');
    warehouse = await seedUser(stack.db, stack.env, 'warehouse');
  }, 180_000);
  afterAll(async () => {
    recordFigures('faults', 'outbox crash points', figures, await serverVersions(stack));
    await stack?.destroy();
  }, 60_000);

  /** Holds a SHARE lock on the outbox table until released. */
  async function lockOutbox(): Promise<() => Promise<void>> {
    const c = new pg.Client({ connectionString: stack.env.databaseUrl });
    await c.connect();
    await c.query('BEGIN');
    await c.query('LOCK TABLE outbox IN SHARE MODE');
    return async () => {
      await c.query('COMMIT');
      await c.end();
    };
  }

  const blocked = (like: string) =>
    count(
      stack.db,
      `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`,
      [like],
    );
  const history = (ids: string[]) =>
    count(
      stack.db,
      `SELECT coalesce(sum(history_seq), 0) AS n FROM items WHERE id = ANY($1::uuid[])`,
      [ids],
    );
  const startWipes = (base: string, ids: string[]) =>
    Promise.all(ids.map((id) => post(base, `/api/v1/items/${id}/start-erasure`, warehouse)));

  it('before commit: the API dies mid-transaction → no transition and no job', async () => {
    const ids = await seedItemsNeedingErasure(stack.db, K, warehouse.organisationId);
    const api = await stack.api();
    const release = await lockOutbox();
    const answers = startWipes(api.baseUrl, ids);
    // Every request has changed state inside its transaction and waits to write its job.
    expect(await waitFor(async () => (await blocked('%INSERT INTO outbox%')) === K, 20_000)).toBe(
      true,
    );
    await api.kill();
    await release();
    expect((await answers).every((a) => a.status === 0)).toBe(true);
    // The backends notice the dead client at their next read and roll back.
    await waitFor(async () => (await blocked('%outbox%')) === 0, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    figures.beforeCommitTransitionsWithoutJob = await count(
      stack.db,
      `SELECT count(*) AS n FROM erasures WHERE item_id = ANY($1::uuid[])`,
      [ids],
    );
    figures.beforeCommitJobsWithoutTransition = await count(
      stack.db,
      `SELECT count(*) AS n FROM outbox WHERE payload->>'erasureId' IN
         (SELECT id::text FROM erasures WHERE item_id = ANY($1::uuid[]))`,
      [ids],
    );
    figures.beforeCommitHistoryEntries = await history(ids);
    expect(figures.beforeCommitTransitionsWithoutJob).toBe(0);
    expect(figures.beforeCommitJobsWithoutTransition).toBe(0);
    expect(figures.beforeCommitHistoryEntries).toBe(0);
    expect(await count(stack.db, 'SELECT count(*) AS n FROM outbox')).toBe(0);
  }, 120_000);

  it('after commit, before publish: the API dies with no relay running → every job still runs', async () => {
    const ids = await seedItemsNeedingErasure(stack.db, K, warehouse.organisationId);
    const api = await stack.api();
    const answers = await startWipes(api.baseUrl, ids);
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    await api.kill();
    const o = await outboxFigures(stack.db);
    expect(o.unpublished).toBe(K);
    const worker = await stack.worker();
    const done = await waitFor(
      async () => (await erasureFigures(stack.db, ids)).itemsCertified === K,
      60_000,
    );
    const e = await erasureFigures(stack.db, ids);
    figures.afterCommitJobsLost = K - e.itemsCertified;
    figures.afterCommitDuplicateCertificates = e.duplicateCertificates;
    expect(done).toBe(true);
    expect(figures.afterCommitDuplicateCertificates).toBe(0);
    await worker.stop();
  }, 120_000);

  it('after publish, before marking: the relay dies between Redis and its UPDATE → published again, run once', async () => {
    const ids = await seedItemsNeedingErasure(stack.db, K, warehouse.organisationId);
    const api = await stack.api();
    const answers = await startWipes(api.baseUrl, ids);
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    await api.stop();
    const { rows } = await stack.db.query<{ id: string }>(
      'SELECT id FROM outbox WHERE published_at IS NULL',
    );
    expect(rows).toHaveLength(K);
    const release = await lockOutbox();
    const worker = await stack.worker();
    const redis = stack.redis.client();
    const inRedis = async () => {
      const p = redis.pipeline();
      for (const r of rows) p.exists(stack.jobKey('erasure', r.id));
      return ((await p.exec()) ?? []).filter(([, n]) => n === 1).length;
    };
    // The relay has put every job in Redis and now waits to mark the rows published.
    expect(
      await waitFor(
        async () =>
          (await inRedis()) === K && (await blocked('%UPDATE outbox SET published_at%')) === 1,
        30_000,
      ),
    ).toBe(true);
    await worker.kill();
    await release();
    await waitFor(async () => (await blocked('%outbox%')) === 0, 10_000);
    figures.afterPublishRowsLeftUnmarked = await count(
      stack.db,
      'SELECT count(*) AS n FROM outbox WHERE id = ANY($1::uuid[]) AND published_at IS NULL',
      [rows.map((r) => r.id)],
    );
    expect(figures.afterPublishRowsLeftUnmarked).toBe(K);
    await stack.worker();
    const done = await waitFor(async () => {
      const o = await outboxFigures(stack.db);
      const e = await erasureFigures(stack.db, ids);
      return o.notCompleted === 0 && e.itemsCertified === K;
    }, 120_000);
    redis.disconnect();
    const e = await erasureFigures(stack.db, ids);
    figures.afterPublishJobsLost = K - e.itemsCertified;
    figures.afterPublishDuplicateCertificates = e.duplicateCertificates + e.wipesPerMediumAboveOne;
    figures.afterPublishWipesPerItem =
      (await count(stack.db, 'SELECT count(*) AS n FROM erasures WHERE item_id = ANY($1::uuid[])', [
        ids,
      ])) / K;
    expect(done).toBe(true);
    expect(figures.afterPublishDuplicateCertificates).toBe(0);
    expect(figures.afterPublishWipesPerItem).toBe(1);
  }, 180_000);
});
