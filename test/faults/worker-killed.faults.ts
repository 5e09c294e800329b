import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import {
  count,
  erasureFigures,
  migratedDatabase,
  outboxFigures,
  pool,
  recordFigures,
  seedUser,
  seedItemsNeedingErasure,
  SHORT,
  waitFor,
  writeStartErasure,
} from './support/fixtures.js';
import { PlatformProcess, platformEnv, type PlatformEnv } from './support/platform.js';
import { sleep, ThrowawayPostgres, ThrowawayRedis } from './support/servers.js';

const JOBS = SHORT ? 500 : 10_000;
const KILLS = SHORT ? 5 : 20;
const WORKERS = 3;

describe('worker killed (kill -9) during erasure jobs', () => {
  let postgres: ThrowawayPostgres;
  let redis: ThrowawayRedis;
  let db: pg.Pool;
  let env: PlatformEnv;
  const workers: PlatformProcess[] = [];

  beforeAll(async () => {
    postgres = await ThrowawayPostgres.start();
    redis = await ThrowawayRedis.start();
    const url = await migratedDatabase(postgres, 'faults_worker_killed');
    db = pool(url);
    env = platformEnv(url, redis.url);
    env.extra = {
      // Some wipes fail and are retried (delayed jobs) while workers die around them.
      ERASURE_SIM_FAILURE_RATE: '0.02',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
      ERASURE_RETRY_BASE_DELAY_MS: '200',
      OUTBOX_POLL_MS: '200',
      OUTBOX_BATCH_SIZE: '500',
      RECONCILE_INTERVAL_MS: '2000',
      RECONCILE_STALE_AFTER_MS: '10000',
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await db?.end();
    await redis?.destroy();
    await postgres?.destroy();
  }, 60_000);

  it(
    `loses no job and certifies no wipe twice (${JOBS} jobs, ${KILLS} kills, ${WORKERS} workers)`,
    async () => {
      const warehouse = await seedUser(db, env, 'warehouse');
      const itemIds = await seedItemsNeedingErasure(db, JOBS, warehouse.organisationId);
      for (let i = 0; i < WORKERS; i++) workers.push(new PlatformProcess('worker', env));
      await Promise.all(workers.map((w) => w.start()));
      const started = Date.now();
      await writeStartErasure(db, itemIds, warehouse.organisationId);

      const certified = () =>
        count(
          db,
          `SELECT count(*) AS n FROM items WHERE id = ANY($1::uuid[]) AND erasure_status <> 'pending'`,
          [itemIds],
        );
      // Kill at evenly spaced points of the progress, so every kill lands mid-run.
      let kills = 0;
      const killedWhileBusy: number[] = [];
      while (kills < KILLS) {
        const target = Math.floor((JOBS * (kills + 1)) / (KILLS + 2));
        const reached = await waitFor(async () => (await certified()) >= target, 600_000, 20);
        expect(reached).toBe(true);
        const victim = workers[Math.floor(Math.random() * workers.length)];
        await victim.kill();
        kills++;
        killedWhileBusy.push(await certified());
        // Restart after a moment (a supervisor would); the others keep working meanwhile.
        await sleep(200 + Math.random() * 800);
        await victim.start();
      }

      const finished = await waitFor(
        async () => {
          const o = await outboxFigures(db);
          return o.notCompleted === 0 && (await certified()) === JOBS;
        },
        SHORT ? 240_000 : 600_000,
        500,
      );
      const seconds = (Date.now() - started) / 1000;
      const e = await erasureFigures(db, itemIds);
      const o = await outboxFigures(db);
      const jobsLost = o.notCompleted + o.failed + e.itemsWithoutWipe + e.wipesUnfinished;
      const figures = {
        jobs: JOBS,
        workers: WORKERS,
        kills,
        finishedInSeconds: Math.round(seconds),
        outboxRows: o.rows,
        jobsLost,
        duplicateCertificates: e.duplicateCertificates + e.wipesPerMediumAboveOne,
        itemsCertified: e.itemsCertified,
        itemsSentToDestruction: JOBS - e.itemsCertified,
        certificates: e.certificates,
        republishedByReconciler: o.republished,
        processCrashes: workers.reduce((s, w) => s + w.crashes, 0),
        everyJobFinished: finished && jobsLost === 0,
      };
      recordFigures('faults', 'worker killed', figures);
      expect(figures.jobsLost).toBe(0);
      expect(figures.duplicateCertificates).toBe(0);
      expect(figures.everyJobFinished).toBe(true);
      expect(figures.processCrashes).toBe(0);
      expect(e.itemsCertified + (JOBS - e.itemsCertified)).toBe(JOBS);
    },
    SHORT ? 420_000 : 1_500_000,
  );
});
