import { Queue, Worker } from 'bullmq';
import pg from 'pg';
import { eventHash } from '../src/core/history/history.service.js';
import { QUEUE_NAMES } from '../src/core/jobs/job-definition.js';
import { busyTime, percentile, runPool, Samples } from './lib/stats.js';

export interface SqlCeiling {
  transactions: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** The bench process's CPU per transaction (the pg client's share of the work). */
  cpuMsPerTransaction: number;
  /** Round trips per transaction (BEGIN … COMMIT). */
  statementsPerTransaction: number;
}

/**
 * The transition shape of TransitionService run directly through `pg`, at the API's
 * concurrency: guarded UPDATE of the state row (which also advances the history head),
 * the hash-chained history insert, the outbox insert with its NOTIFY, in one transaction.
 * Bench-only items are used; their outbox rows are born published so nothing relays them.
 */
export async function sqlCeiling(
  databaseUrl: string,
  concurrency: number,
  transactions: number,
): Promise<SqlCeiling> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: concurrency });
  // Every client counts its statements: the ceiling's round trips per transaction.
  let statements = 0;
  pool.on('connect', (client) => {
    const send = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      statements++;
      return send(...args);
    }) as typeof client.query;
  });
  const rows = Math.max(concurrency * 4, 200);
  const { rows: items } = await pool.query<{ id: string }>(
    `INSERT INTO items (trace_code, custodian_kind, erasure_status, state)
     SELECT 'BENCHSQL' || g || '-' || $2, 'warehouse', 'not_required', 'RECEIVED'
       FROM generate_series(1, $1) g RETURNING id`,
    [rows, Date.now()],
  );
  const versions = new Map(items.map((i) => [i.id, 1]));
  const latency = new Samples();
  statements = 0;
  const cpuBefore = process.cpuUsage();
  const seconds =
    (await runPool(
      Array.from({ length: transactions }, (_, i) => items[i % items.length].id),
      concurrency,
      async (id) => {
        const started = performance.now();
        const c = await pool.connect();
        try {
          await c.query('BEGIN');
          const version = versions.get(id) ?? 1;
          const head = await c.query<{ history_seq: number; history_hash: string }>(
            `UPDATE items SET state = 'RECEIVED', version = version + 1,
                    history_seq = history_seq + 1, updated_at = now()
              WHERE id = $1 AND state = 'RECEIVED' AND version = $2
              RETURNING history_seq, history_hash`,
            [id, version],
          );
          if (head.rowCount !== 1) throw new Error('guarded update lost');
          const at = new Date().toISOString();
          const fields = {
            itemId: id,
            seq: head.rows[0].history_seq,
            at,
            type: 'Item.bench',
            entity: 'Item',
            entityId: id,
            fromState: 'RECEIVED',
            toState: 'RECEIVED',
            actorRole: 'system',
            actorId: null,
            organisationId: null,
            custodianKind: null,
            custodianId: null,
            place: null,
            data: { bench: true },
            prevHash: head.rows[0].history_hash,
          };
          const hash = eventHash(fields);
          await c.query(
            `WITH ev AS (
               INSERT INTO item_events (item_id, seq, at, type, entity, entity_id, from_state,
                 to_state, actor_role, data, prev_hash, hash)
               VALUES ($1,$2,$3,$4,$5,$1,$6,$6,'system',$7,$8,$9))
             UPDATE items SET history_hash = $9 WHERE id = $1`,
            [
              id,
              fields.seq,
              at,
              fields.type,
              'Item',
              'RECEIVED',
              '{"bench":true}',
              fields.prevHash,
              hash,
            ],
          );
          await c.query(
            `WITH ins AS (
               INSERT INTO outbox (queue, name, payload, run_at, published_at, completed_at)
               VALUES ('workflow', 'bench-ceiling', $1::jsonb, now(), now(), now()) RETURNING id)
             SELECT id, pg_notify('reloop_outbox', '') FROM ins`,
            [JSON.stringify({ itemId: id })],
          );
          await c.query('COMMIT');
          versions.set(id, version + 1);
        } catch (err) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw err;
        } finally {
          c.release();
        }
        latency.add(performance.now() - started);
      },
    )) / 1000;
  await pool.end();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    transactions,
    seconds,
    perSecond: transactions / seconds,
    p50: latency.percentile(50),
    p99: latency.percentile(99),
    cpuMsPerTransaction: (cpu.user + cpu.system) / 1000 / transactions,
    statementsPerTransaction: statements / transactions,
  };
}

export interface QueueCeiling {
  jobs: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
}

/** A bare BullMQ worker doing no work, on the same Redis, with the platform's job options. */
export async function bareBullmq(
  redisUrl: string,
  prefix: string,
  jobs: number,
  concurrency: number,
): Promise<QueueCeiling> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const queue = new Queue('bare', { connection, prefix });
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(
      Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({
        name: 'noop',
        data: { n: i + k, payload: { itemId: '00000000-0000-4000-8000-000000000000' } },
        opts: {
          attempts: 8,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 3600, count: 5000 },
          removeOnFail: false,
        },
      })),
    );
  }
  let done = 0;
  let resolveAll: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (resolveAll = resolve));
  const started = performance.now();
  const worker = new Worker(
    'bare',
    () => {
      if (++done === jobs) setImmediate(resolveAll);
      return Promise.resolve();
    },
    { connection, prefix, concurrency },
  );
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return { jobs, concurrency, seconds, perSecond: jobs / seconds };
}

export interface QueueStats {
  queue: string;
  jobs: number;
  /** Jobs over the time at least one was running (overlapping runs counted once). */
  perSecond: number;
  waitP50: number;
  waitP99: number;
  /** Jobs that needed more than one attempt (a handler threw first). */
  retried: number;
  firstError: string | null;
}

/** Per-queue throughput and queue wait (processedOn − enqueue time) from BullMQ's completed jobs. */
export async function platformQueues(redisUrl: string, prefix: string): Promise<QueueStats[]> {
  const connection = { url: redisUrl, maxRetriesPerRequest: null };
  const out: QueueStats[] = [];
  for (const name of QUEUE_NAMES) {
    const queue = new Queue(name, { connection, prefix });
    const jobs = (await queue.getJobs(['completed'], 0, 4999)).filter(
      (j) => j.processedOn && j.finishedOn,
    );
    await queue.close();
    if (jobs.length === 0) continue;
    const immediate = jobs.filter((j) => !j.opts.delay && !j.repeatJobKey);
    const waits = immediate.map((j) => (j.processedOn ?? 0) - j.timestamp);
    out.push({
      queue: name,
      jobs: jobs.length,
      perSecond:
        jobs.length /
        (busyTime(jobs.map((j) => [j.processedOn ?? 0, j.finishedOn ?? 0])) / 1000 || NaN),
      waitP50: percentile(waits, 50),
      waitP99: percentile(waits, 99),
      retried: jobs.filter((j) => j.attemptsMade > 1).length,
      firstError:
        jobs
          .filter((j) => j.attemptsMade > 1)
          .map((j) => `${j.name}: ${(j.stacktrace?.[0] ?? '').split('\n')[0]}`)[0] ?? null,
    });
  }
  return out;
}

export interface StageWait {
  job: string;
  count: number;
  relayLagP50: number;
  relayLagP99: number;
  doneP50: number;
  doneP99: number;
}

/** Outbox relay lag (published − created) and time to done (completed − published) per job. */
export async function outboxWaits(db: pg.Pool): Promise<StageWait[]> {
  const { rows } = await db.query<{
    name: string;
    count: number;
    lag50: number;
    lag99: number;
    done50: number | null;
    done99: number | null;
  }>(
    `SELECT name, count(*)::int AS count,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at)) * 1000 AS lag50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM published_at - created_at)) * 1000 AS lag99,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - published_at)) * 1000 AS done50,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - published_at)) * 1000 AS done99
     FROM outbox
     WHERE published_at IS NOT NULL AND name <> 'bench-ceiling' AND run_at <= created_at + interval '1 second'
     GROUP BY name ORDER BY count(*) DESC, name`,
  );
  return rows.map((r) => ({
    job: r.name,
    count: r.count,
    relayLagP50: Number(r.lag50),
    relayLagP99: Number(r.lag99),
    doneP50: r.done50 === null ? NaN : Number(r.done50),
    doneP99: r.done99 === null ? NaN : Number(r.done99),
  }));
}
