/**
 * Whole-journey performance bench: `npm run bench` (options after `--`).
 * Starts the built platform as separate API and worker processes on a fresh database and its
 * own queue prefix, seeds it, measures the machine's ceilings (the transition shape in raw SQL,
 * a bare BullMQ worker), drives trade-ins through the journey over HTTP, fills the database to
 * scale in SQL and measures the lookups. Prints one table and writes it to docs/performance.md.
 * Options: --items=N (journey items, 400) --concurrency=N (16) --scale=F (share of 1 M items,
 * 1) --events-per-item=N (10) --sql-transactions=N (4000) --queue-jobs=N (20000)
 * --api-cases=N (300, the 1-vs-2 API process comparison) --no-scale --no-api-processes
 * --only-api-processes (seed, then only that comparison; prints it, writes nothing)
 * --no-write --keep-db
 * Env: BENCH_CPU_PROF_DIR=dir — the API writes a V8 CPU profile there when it stops
 * (summarise it with `node dist/bench-build/bench/profile-summary.js FILE`).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QUEUE_NAMES } from '../src/core/jobs/job-definition.js';
import { bareBullmq, outboxWaits, platformQueues, sqlCeiling } from './ceilings.js';
import { measureApiProcesses } from './api-processes.js';
import { runJourney } from './journey.js';
import {
  peakRssMb,
  rssSampler,
  startProcess,
  stopProcess,
  waitForHealth,
} from './lib/processes.js';
import { Client } from './lib/http.js';
import { formatApiProcesses, formatReport, type BenchReport } from './report.js';
import { fillScale, measureLookups, signFilledHistory } from './scale.js';

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!hit) return fallback;
  const v = Number(hit.slice(name.length + 3));
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
const log = (line: string) => console.error(line);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function main(): Promise<void> {
  const items = Math.round(arg('items', 400));
  const concurrency = Math.round(arg('concurrency', 16));
  const scale = arg('scale', 1);
  const eventsPerItem = Math.round(arg('events-per-item', 10));
  const runId = Date.now();
  const baseUrlDb = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/reloop';
  const databaseUrl = withDatabase(baseUrlDb, process.env.BENCH_DATABASE ?? 'reloop_bench');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
  const prefix = `bench${runId % 1e9}`;
  const started = performance.now();

  // A fresh database every run.
  const admin = new pg.Client({ connectionString: withDatabase(baseUrlDb, 'postgres') });
  await admin.connect();
  const dbName = new URL(databaseUrl).pathname.slice(1);
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();

  const env: Record<string, string> = {
    // Production refuses the erasure simulator (issue 17), which the journey needs to wipe:
    // 'development' differs from 'production' only there and in the test payment route.
    NODE_ENV: 'development',
    ERASURE_STATION: 'simulated',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    JWT_SECRET: 'bench-only-secret-0123456789abcdef0123456789',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_ACCOUNT_RATE_LIMIT_PER_MINUTE: '100000',
    ERASURE_SIM_FAILURE_RATE: '0',
    ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
  };
  log('seeding a fresh database (demo seed)…');
  const seed = spawnSync(process.execPath, ['dist/src/seed/seed-demo.js'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (seed.status !== 0) throw new Error(`seed failed:\n${seed.stdout}\n${seed.stderr}`);

  // API_WORKERS compared on its own: seed, the comparison, then clean up (nothing written).
  const apiProcesses = () =>
    measureApiProcesses({
      env,
      freePort,
      cases: Math.round(arg('api-cases', 300)),
      concurrency,
      log,
    });
  if (flag('only-api-processes')) {
    try {
      log('API processes: 1 vs 2…');
      console.log(formatApiProcesses(await apiProcesses()).join('\n'));
    } finally {
      const a = new pg.Client({ connectionString: withDatabase(baseUrlDb, 'postgres') });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
      await a.end();
    }
    return;
  }

  const db = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const sqlTx = Math.round(arg('sql-transactions', 4000));
  log(`SQL ceiling: ${sqlTx} transactions, ${concurrency} in flight…`);
  const sql = await sqlCeiling(databaseUrl, concurrency, sqlTx);

  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  log(`starting the platform: API on ${apiUrl}, one worker process, queue prefix ${prefix}…`);
  // The API's operations port serves its own CPU and SQL counters to the journey's phases.
  const metricsPort = await freePort();
  const api = startProcess('api', 'api', {
    ...env,
    // One API process, as in earlier runs (its CPU counters are the process's own); the
    // comparison with two comes after.
    API_WORKERS: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    METRICS_PORT: String(metricsPort),
  });
  const worker = startProcess('worker', 'worker', { ...env, PORT: '0', METRICS_PORT: '0' });
  const procs = [api, worker];
  const sampler = rssSampler(procs);
  let report: BenchReport;
  try {
    await waitForHealth(apiUrl, api);
    await new Promise((r) => setTimeout(r, 1500)); // the worker's queues attach

    log(`journey: ${items} trade-ins, ${concurrency} clients…`);
    const journey = await runJourney({
      baseUrl: apiUrl,
      db,
      items,
      concurrency,
      runId,
      metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
      log,
    });
    const queues = await platformQueues(redisUrl, prefix);
    const waits = await outboxWaits(db);
    for (const q of queues)
      if (q.firstError) log(`  ${q.queue}: ${q.retried} retried, e.g. ${q.firstError}`);
    const workerConcurrency = 20;
    const queueJobs = Math.round(arg('queue-jobs', 20000));
    log(`bare BullMQ: ${queueJobs} no-op jobs, concurrency ${workerConcurrency}…`);
    const bare = await bareBullmq(redisUrl, `${prefix}-bare`, queueJobs, workerConcurrency);

    let apiProcessesResult: BenchReport['apiProcesses'] = null;
    if (!flag('no-api-processes')) {
      log('API processes: 1 vs 2 (the journey API stays up, idle)…');
      apiProcessesResult = await apiProcesses();
    }

    let scaleResult: BenchReport['scale'] = null;
    if (!flag('no-scale')) {
      const n = Math.round(1_000_000 * scale);
      log(`scale: filling ${n} items × ${eventsPerItem} events in SQL…`);
      const orgs = await db.query<{ key: string; id: string }>(
        `SELECT CASE WHEN kind = 'warehouse' THEN 'warehouse' ELSE 'merchant' END AS key, id
           FROM organisations WHERE name IN ('Shanghai Jiading Recommerce Centre', 'Aurora Renewed')`,
      );
      const org = (k: string) => orgs.rows.find((r) => r.key === k)?.id ?? null;
      const hasListings =
        (await db.query(`SELECT 1 FROM pg_tables WHERE tablename = 'listings'`)).rowCount === 1;
      const fill = await fillScale(
        db,
        {
          items: n,
          eventsPerItem,
          warehouseId: org('warehouse') ?? '',
          merchantId: hasListings ? org('merchant') : null,
        },
        log,
      );
      const signed = await signFilledHistory(db, log);
      fill.steps.push(signed);
      fill.seconds += signed.seconds;
      const c = new Client(apiUrl, 2);
      const token = async (key: string) =>
        (
          await c.call<{ accessToken: string }>('POST', '/api/v1/auth/login', {
            body: { email: `${key}@reloop.demo`, password: 'reloop-demo-2026' },
          })
        ).body.accessToken;
      const tokens = { support: await token('support'), warehouse: await token('warehouse') };
      await c.close();
      log('scale: lookups over HTTP…');
      const measured = await measureLookups({
        baseUrl: apiUrl,
        db,
        requests: Math.round(arg('lookups', 400)),
        concurrency: 2,
        tokens,
        log,
      });
      scaleResult = { fill, ...measured };
    }

    sampler.stop();
    const memory = procs.map((p) => ({
      process: p.role,
      peakRssMb: Math.max(peakRssMb(p.child.pid), sampler.peak.get(p.role) ?? 0),
    }));
    const pgVersion = (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]
      .server_version;
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
    const info = await redis.info('server');
    await redis.quit();
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const sha = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
    report = {
      date: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        memoryGb: os.totalmem() / 1024 ** 3,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        load: os.loadavg()[0],
      },
      versions: {
        node: process.version,
        postgres: pgVersion,
        redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
        reloop: `${pkg.version}${sha.status === 0 ? ` (${sha.stdout.trim()})` : ''}`,
      },
      journey,
      sql,
      queues,
      bare,
      waits,
      memory,
      scale: scaleResult,
      apiProcesses: apiProcessesResult,
      totalSeconds: (performance.now() - started) / 1000,
    };
  } catch (err) {
    for (const p of procs) log(`--- ${p.role} output ---\n${p.output.join('').slice(-3000)}`);
    throw err;
  } finally {
    sampler.stop();
    await Promise.all(procs.map((p) => stopProcess(p)));
    const connection = { url: redisUrl, maxRetriesPerRequest: null };
    for (const name of QUEUE_NAMES) {
      const q = new Queue(name, { connection, prefix });
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await db.end();
    if (!flag('keep-db')) {
      const a = new pg.Client({ connectionString: withDatabase(baseUrlDb, 'postgres') });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
      await a.end();
    }
  }
  const table = formatReport(report);
  console.log(table);
  if (!flag('no-write')) writeResults('docs/performance.md', report.date, table);
}

const START = '<!-- bench:start (written by `npm run bench`) -->';
const END = '<!-- bench:end -->';

/** Replaces the measured block of docs/performance.md, keeping the analysis around it. */
function writeResults(file: string, date: string, table: string): void {
  const block = `${START}\n\nLast run: ${date}\n\n\`\`\`text\n${table}\n\`\`\`\n\n${END}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    at >= 0 && end > at
      ? current.slice(0, at) + block + current.slice(end + END.length)
      : `# Performance\n\n${block}\n`;
  writeFileSync(file, next);
  console.error(`wrote ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
