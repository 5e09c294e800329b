import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  erasureFigures,
  FaultStack,
  outboxFigures,
  post,
  recordFigures,
  seedItemsNeedingErasure,
  seedUser,
  serverVersions,
  SHORT,
  waitFor,
} from './support/fixtures.js';
import type { PlatformProcess } from './support/platform.js';
import { sleep } from './support/servers.js';

const STREAM_MS = SHORT ? 15_000 : 45_000;

describe('Redis restarted (graceful and kill -9) during a stream of API writes', () => {
  let stack: FaultStack;
  let api: PlatformProcess;
  let workers: PlatformProcess[];

  beforeAll(async () => {
    // No persistence: a restart comes back empty, the worst case for queued jobs.
    stack = await FaultStack.start('faults_redis_restart');
    api = await stack.api();
    workers = [await stack.worker(), await stack.worker()];
  }, 180_000);
  afterAll(() => stack?.destroy(), 60_000);

  it('answers every write without a 5xx and loses no job', async () => {
    const warehouse = await seedUser(stack.db, stack.env, 'warehouse');
    const itemIds = await seedItemsNeedingErasure(stack.db, 4000, warehouse.organisationId);
    const statuses = new Map<number, number>();
    const used: string[] = [];
    let next = 0;
    const started = Date.now();
    const restarts: string[] = [];

    const writer = async () => {
      while (Date.now() - started < STREAM_MS && next < itemIds.length) {
        const id = itemIds[next++];
        used.push(id);
        const res = await post(
          api.baseUrl,
          `/api/v1/items/${id}/start-erasure`,
          warehouse,
          {},
          {
            'idempotency-key': `start-${id}`,
          },
        );
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    const chaos = async () => {
      await sleep(STREAM_MS / 4);
      await stack.redis.restartGraceful(1500);
      restarts.push('graceful');
      await sleep(STREAM_MS / 4);
      await stack.redis.restartKilled(1500);
      restarts.push('kill -9');
    };
    await Promise.all([writer(), writer(), writer(), writer(), chaos()]);

    const writes = used.length;
    const finished = await waitFor(
      async () => {
        const o = await outboxFigures(stack.db);
        const e = await erasureFigures(stack.db, used);
        return o.notCompleted === 0 && e.itemsCertified === writes;
      },
      180_000,
      500,
    );
    const o = await outboxFigures(stack.db);
    const e = await erasureFigures(stack.db, used);
    const fivexx = [...statuses]
      .filter(([s]) => s >= 500 || s === 0)
      .reduce((n, [, c]) => n + c, 0);
    const figures = {
      writes,
      restarts: restarts.join(', '),
      api5xxOnWrites: fivexx,
      answered200: statuses.get(200) ?? 0,
      otherStatuses: writes - fivexx - (statuses.get(200) ?? 0),
      jobsLostAfterReconciliation:
        o.notCompleted + o.failed + e.itemsWithoutWipe + e.wipesUnfinished,
      republishedByReconciler: o.republished,
      duplicateCertificates: e.duplicateCertificates,
      workerRestarts: workers.reduce((n, w) => n + w.starts - 1, 0),
      processCrashes: stack.crashes,
      everyJobFinished: finished,
    };
    recordFigures('faults', 'redis restarted', figures, await serverVersions(stack));
    expect(restarts).toEqual(['graceful', 'kill -9']);
    expect(figures.api5xxOnWrites).toBe(0);
    expect(figures.otherStatuses).toBe(0);
    expect(figures.jobsLostAfterReconciliation).toBe(0);
    expect(figures.duplicateCertificates).toBe(0);
    expect(figures.processCrashes).toBe(0);
    expect(figures.workerRestarts).toBe(0);
    expect(finished).toBe(true);
  }, 420_000);
});
