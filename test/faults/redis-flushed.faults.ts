import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  count,
  erasureFigures,
  FaultStack,
  outboxFigures,
  recordFigures,
  seedItemsNeedingErasure,
  seedUser,
  serverVersions,
  SHORT,
  waitFor,
  writeStartErasure,
} from './support/fixtures.js';

const FINISHED = SHORT ? 100 : 1000;
const DELAYED = SHORT ? 200 : 2000;
const DELAY_MS = SHORT ? 25_000 : 45_000;

describe('Redis emptied (FLUSHALL)', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('faults_redis_flushed', {
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_STALE_AFTER_MS: '1000',
    });
    await stack.worker();
    await stack.worker();
  }, 180_000);
  afterAll(() => stack?.destroy(), 60_000);

  it('re-creates every job that should exist, and only those', async () => {
    const warehouse = await seedUser(stack.db, stack.env, 'warehouse');
    const done = await seedItemsNeedingErasure(stack.db, FINISHED, warehouse.organisationId);
    await writeStartErasure(stack.db, done, warehouse.organisationId);
    expect(
      await waitFor(async () => (await outboxFigures(stack.db)).notCompleted === 0, 120_000),
    ).toBe(true);

    // Jobs waiting for their time (like quote expiry or SLA timers), all in Redis now.
    const waiting = await seedItemsNeedingErasure(stack.db, DELAYED, warehouse.organisationId);
    const runAt = new Date(Date.now() + DELAY_MS);
    await writeStartErasure(stack.db, waiting, warehouse.organisationId, runAt);
    expect(
      await waitFor(async () => (await outboxFigures(stack.db)).unpublished === 0, 60_000),
    ).toBe(true);
    const rows = await stack.db.query<{ id: string; done: boolean }>(
      `SELECT id, completed_at IS NOT NULL AS done FROM outbox`,
    );
    const pending = rows.rows.filter((r) => !r.done).map((r) => r.id);
    const completed = rows.rows.filter((r) => r.done).map((r) => r.id);
    const redis = stack.redis.client();
    const existing = async (ids: string[]) => {
      const p = redis.pipeline();
      for (const id of ids) p.exists(stack.jobKey('erasure', id));
      return ((await p.exec()) ?? []).filter(([, n]) => n === 1).length;
    };
    expect(await existing(pending)).toBe(pending.length);

    await stack.redis.flushAll();
    const flushedAt = Date.now();
    expect(await existing(pending)).toBe(0);
    const recreated = await waitFor(
      async () => (await existing(pending)) === pending.length,
      DELAY_MS - 5000,
      200,
    );
    const recreatedInSeconds = (Date.now() - flushedAt) / 1000;
    const recreatedCount = await existing(pending);
    const recreatedForFinishedWork = await existing(completed);
    const beforeTheirTime = await count(
      stack.db,
      `SELECT count(*) AS n FROM erasures WHERE item_id = ANY($1::uuid[]) AND created_at < $2`,
      [waiting, runAt],
    );

    const finished = await waitFor(
      async () => (await outboxFigures(stack.db)).notCompleted === 0,
      DELAY_MS + 120_000,
      500,
    );
    redis.disconnect();
    const o = await outboxFigures(stack.db);
    const e = await erasureFigures(stack.db, waiting);
    const figures = {
      jobsInRedisWhenFlushed: pending.length,
      jobsRecreated: recreatedCount,
      recreatedInSeconds: Math.round(recreatedInSeconds * 10) / 10,
      jobsRecreatedForFinishedWork: recreatedForFinishedWork,
      delayedJobsRunBeforeTheirTime: beforeTheirTime,
      jobsLost: o.notCompleted + o.failed + e.itemsWithoutWipe + e.wipesUnfinished,
      duplicateCertificates: e.duplicateCertificates,
      everyJobFinished: finished,
    };
    recordFigures('faults', 'redis emptied', figures, await serverVersions(stack));
    expect(recreated).toBe(true);
    expect(figures.jobsRecreatedForFinishedWork).toBe(0);
    expect(figures.delayedJobsRunBeforeTheirTime).toBe(0);
    expect(figures.jobsLost).toBe(0);
    expect(figures.duplicateCertificates).toBe(0);
    expect(finished).toBe(true);
  }, 420_000);
});
