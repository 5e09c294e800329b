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

const OUTAGE_MS = 3000;
const RESTARTS = SHORT ? 1 : 3;

interface Write {
  startedAt: number;
  endedAt: number;
  status: number;
}

describe('PostgreSQL restarted under load', () => {
  let stack: FaultStack;
  let api: PlatformProcess;

  beforeAll(async () => {
    stack = await FaultStack.start('faults_postgres_restart');
    api = await stack.api();
    await stack.worker();
  }, 180_000);
  afterAll(() => stack?.destroy(), 60_000);

  it('crashes no process, fails only during the outage and recovers within seconds', async () => {
    const warehouse = await seedUser(stack.db, stack.env, 'warehouse');
    const itemIds = await seedItemsNeedingErasure(stack.db, 6000, warehouse.organisationId);
    const writes: Write[] = [];
    const outages: Array<{ down: number; up: number }> = [];
    let next = 0;
    let stop = false;

    const writer = async () => {
      while (!stop && next < itemIds.length) {
        const id = itemIds[next++];
        const startedAt = Date.now();
        const res = await post(
          api.baseUrl,
          `/api/v1/items/${id}/start-erasure`,
          warehouse,
          {},
          {
            'idempotency-key': `start-${id}`,
          },
        );
        writes.push({ startedAt, endedAt: Date.now(), status: res.status });
        if (res.status !== 200) await sleep(100);
      }
    };
    const chaos = async () => {
      for (let i = 0; i < RESTARTS; i++) {
        await sleep(4000);
        const down = Date.now();
        await stack.postgres.restart(OUTAGE_MS);
        outages.push({ down, up: Date.now() });
      }
      await sleep(8000);
      stop = true;
    };
    await Promise.all([writer(), writer(), writer(), chaos()]);

    // Recovery per outage: from PostgreSQL answering again to the first write answered 200.
    const recoverySeconds = outages.map(({ up }) => {
      const first = writes.find((w) => w.startedAt >= up && w.status === 200);
      return first ? (first.endedAt - up) / 1000 : Infinity;
    });
    const inOutage = (w: Write) =>
      outages.some(
        ({ down, up }, i) => w.endedAt >= down && w.startedAt <= up + recoverySeconds[i] * 1000,
      );
    const failed = writes.filter((w) => w.status !== 200);
    const used = itemIds.slice(0, next);
    // Requests that failed during an outage created nothing; the others' jobs must all finish.
    const finished = await waitFor(
      async () => (await outboxFigures(stack.db)).notCompleted === 0,
      180_000,
      500,
    );
    const o = await outboxFigures(stack.db);
    const e = await erasureFigures(stack.db, used);
    const succeeded = writes.filter((w) => w.status === 200).length;
    const figures = {
      restarts: RESTARTS,
      outageSeconds: OUTAGE_MS / 1000,
      writes: writes.length,
      writesAnswered200: succeeded,
      errorsDuringOutage: failed.filter(inOutage).length,
      errorsOutsideOutage: failed.filter((w) => !inOutage(w)).length,
      errorStatuses: [...new Set(failed.map((w) => w.status))].sort().join(' '),
      worstRecoverySeconds: Math.max(...recoverySeconds),
      processCrashes: stack.crashes,
      jobsLost: o.notCompleted + o.failed + e.wipesUnfinished,
      itemsWipedAfterAnswer200: e.items - e.itemsWithoutWipe,
      everyJobFinished: finished,
    };
    recordFigures('faults', 'postgresql restarted', figures, await serverVersions(stack));
    expect(figures.processCrashes).toBe(0);
    expect(figures.errorsOutsideOutage).toBe(0);
    expect(figures.worstRecoverySeconds).toBeLessThan(10);
    expect(figures.jobsLost).toBe(0);
    // Every write answered 200 has its wipe (some failed ones may have committed before the
    // connection dropped, so there may be more, never fewer).
    expect(figures.itemsWipedAfterAnswer200).toBeGreaterThanOrEqual(succeeded);
    expect(finished).toBe(true);
  }, 420_000);
});
