import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { AggregatorRegistry } from 'prom-client';
import type { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../core/metrics/metrics.service.js';
import { rootLogger } from './logging.js';

/** What the supervisor sends a worker to stop it gracefully (as SIGTERM would). */
export const SHUTDOWN_MESSAGE = 'reloop:shutdown';

/** A worker that dies sooner than this after its start is restarted after a growing delay. */
const STABLE_AFTER_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * `api` mode with API_WORKERS > 1 (issue 27 point 3): this process prepares the database and
 * Redis once, then forks API_WORKERS copies of itself that share the API port (node:cluster
 * hands each new connection to the next worker). It restarts a worker that dies, passes
 * SIGTERM/SIGINT on as a graceful shutdown and exits when all have stopped (0 if they all
 * stopped cleanly). It serves the operations port itself: `/metrics` gathers every worker's
 * metrics (each series labelled `api_worker`), `/health` says whether every worker runs and
 * names the API port, which `main.js health` then asks for PostgreSQL and Redis.
 * Resolves with the exit code.
 */
export async function superviseApi(
  config: AppConfig,
  prepare: (config: AppConfig) => Promise<void>,
): Promise<number> {
  const logger = rootLogger(config);
  await prepare(config);
  // Workers never open the operations port: this process has it (theirs would share one port
  // and answer in turn). They skip the preparation done above (main.ts: cluster.isWorker).
  // Secrets generated for a development start are made once here, so every worker signs and
  // checks tokens (and certificates) with the same keys, as one process would.
  const env = {
    METRICS_PORT: '0',
    JWT_SECRET: config.jwt.secret,
    ERASURE_SIGNING_KEY: config.erasure.signingKeyPem,
  };
  /** Workers alive, and those of them serving the API port (from their `listen` on). */
  const workers = new Set<Worker>();
  const serving = new Set<Worker>();
  let stopping = false;
  let failed = false;
  let delay = 1000;
  let allStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (allStopped = resolve));

  const fork = () => {
    const started = Date.now();
    const worker = cluster.fork(env);
    workers.add(worker);
    worker.once('listening', () => serving.add(worker));
    worker.once('exit', (code, signal) => {
      workers.delete(worker);
      serving.delete(worker);
      if (stopping) {
        if (code !== 0) failed = true;
        if (workers.size === 0) allStopped();
        return;
      }
      const lived = Date.now() - started;
      delay = lived >= STABLE_AFTER_MS ? 1000 : Math.min(delay * 2, MAX_RESTART_DELAY_MS);
      logger.warn(
        `API worker ${worker.process.pid} exited (${signal ?? `code ${code}`}) after ${Math.round(lived / 1000)} s: starting another in ${delay / 1000} s`,
      );
      setTimeout(() => {
        if (!stopping) fork();
      }, delay).unref();
    });
  };

  const ops = config.metrics.port === 0 ? null : await openOps(config, serving, logger);
  for (let i = 0; i < config.apiWorkers; i++) fork();
  logger.info(
    `Reloop api supervisor ${process.pid}: ${config.apiWorkers} API processes on port ${config.port} (operations port: ${ops ? config.metrics.port : 'off'})`,
  );

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A second signal: stop at once, as a single process does.
        for (const w of workers) w.process.kill('SIGKILL');
        process.exit(1);
      }
      stopping = true;
      logger.info(`${signal}: stopping ${workers.size} API processes`);
      if (workers.size === 0) allStopped();
      for (const w of workers) {
        // A message rather than a signal: on Ctrl-C the terminal already sent each worker
        // SIGINT, and a second signal would make it exit without finishing its requests.
        if (w.isConnected()) w.send({ type: SHUTDOWN_MESSAGE });
        else w.process.kill('SIGTERM');
      }
    });
  }
  await stopped;
  if (ops) await new Promise((resolve) => ops.close(resolve));
  return failed ? 1 : 0;
}

/** The supervisor's operations port: every worker's metrics, and whether all of them serve. */
async function openOps(
  config: AppConfig,
  serving: Set<Worker>,
  logger: ReturnType<typeof rootLogger>,
): Promise<Server | null> {
  const aggregator = new AggregatorRegistry();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/metrics') {
      aggregator.clusterMetrics().then(
        (body) => send(200, aggregator.contentType, body),
        (err: Error) => send(500, 'text/plain', `metrics failed: ${err.message}\n`),
      );
      return;
    }
    if (path === '/health') {
      const running = [...serving].filter((w) => w.isConnected() && !w.isDead());
      const ok = running.length === config.apiWorkers;
      send(
        ok ? 200 : 503,
        'application/json',
        JSON.stringify({
          status: ok ? 'ok' : 'error',
          mode: 'api',
          workers: running.map((w) => w.process.pid),
          expectedWorkers: config.apiWorkers,
          apiPort: config.port,
        }),
      );
      return;
    }
    send(404, 'text/plain', 'Not Found: try /metrics or /health\n');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.metrics.port, config.metrics.host, () => resolve());
    });
    return server;
  } catch (err) {
    logger.warn(
      `Metrics and health port ${config.metrics.host}:${config.metrics.port} not opened (${(err as Error).message}): set METRICS_PORT to a free port, or 0 to turn it off`,
    );
    return null;
  }
}

/**
 * In an API worker: answer the supervisor's requests for metrics (prom-client's cluster
 * protocol) with this app's registry, each series labelled with the worker's id.
 */
export function serveUnderSupervisor(app: INestApplicationContext): void {
  if (!cluster.isWorker || !cluster.worker) return;
  const registry = app.get(MetricsService).registry;
  registry.setDefaultLabels({ api_worker: String(cluster.worker.id) });
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // installs the worker's answer to the supervisor's requests
}
