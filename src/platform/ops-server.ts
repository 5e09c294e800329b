import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { QueueName } from '../core/jobs/job-definition.js';
import { JobWorkers } from '../core/jobs/job-workers.js';
import { QueueService } from '../core/jobs/queue.service.js';
import { MetricsService } from '../core/metrics/metrics.service.js';
import { REDIS } from './redis.provider.js';
import type { RedisClient } from '../core/redis/redis-client.js';

/** How long one dependency may take to answer a health check. */
const CHECK_TIMEOUT_MS = 2000;

export interface CheckResult {
  status: 'up' | 'down';
  message?: string;
}

export interface QueueHealth extends CheckResult {
  /** This process runs a BullMQ worker for the queue and it has not been closed. */
  worker: boolean;
  waiting?: number;
  active?: number;
  failed?: number;
}

export interface ProcessHealth {
  status: 'ok' | 'error';
  mode: string;
  database: CheckResult;
  redis: CheckResult;
  /** Worker processes only: each queue this process works on. */
  queues: Record<string, QueueHealth>;
  /** The API port this process serves (api and all modes), which `main.js health` asks too. */
  apiPort: number | null;
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS),
    ),
  ]);
}

async function check(fn: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await withTimeout(fn());
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', message: (err as Error).message };
  }
}

/**
 * The health of this process (issue 25): PostgreSQL and Redis answer, and — for a worker —
 * every queue it works on has a running worker whose Redis answers. The API's `/health` checks
 * only the first two; a worker has no API port, so this is what its container's HEALTHCHECK asks.
 */
export async function processHealth(ctx: ModuleRef): Promise<ProcessHealth> {
  const config = ctx.get<string, AppConfig>(APP_CONFIG, { strict: false });
  const dataSource = ctx.get(DataSource, { strict: false });
  const redis = ctx.get<RedisClient>(REDIS, { strict: false });
  let workers: JobWorkers | null = null;
  try {
    workers = ctx.get(JobWorkers, { strict: false });
  } catch {
    // `api` mode: no workers in this process
  }
  const [database, redisCheck] = await Promise.all([
    check(() => dataSource.query('SELECT 1')),
    check(() => redis.ping()),
  ]);
  const queues: Record<string, QueueHealth> = {};
  if (workers) {
    const service = ctx.get(QueueService, { strict: false });
    const queueNames = (name: string) => name as QueueName;
    await Promise.all(
      (await workers.status()).map(async ({ queue, running, workerRedis }) => {
        if (!running) {
          queues[queue] = { status: 'down', worker: false, message: 'worker closed' };
          return;
        }
        if (workerRedis !== 'ready') {
          queues[queue] = {
            status: 'down',
            worker: true,
            message: `worker's Redis connection is ${workerRedis}`,
          };
          return;
        }
        try {
          const counts = await withTimeout(
            service.queue(queueNames(queue)).getJobCounts('waiting', 'active', 'failed'),
          );
          queues[queue] = {
            status: 'up',
            worker: true,
            waiting: counts.waiting ?? 0,
            active: counts.active ?? 0,
            failed: counts.failed ?? 0,
          };
        } catch (err) {
          queues[queue] = { status: 'down', worker: true, message: (err as Error).message };
        }
      }),
    );
  }
  const up =
    database.status === 'up' &&
    redisCheck.status === 'up' &&
    Object.values(queues).every((q) => q.status === 'up');
  return {
    status: up ? 'ok' : 'error',
    mode: workers ? 'worker' : 'api',
    database,
    redis: redisCheck,
    queues,
    apiPort: config.mode === 'worker' ? null : config.port,
  };
}

/**
 * The operations port: `GET /metrics` (Prometheus text) and `GET /health` (200 or 503 with
 * what failed). Plain node:http, outside the API: no auth, bound to METRICS_HOST (loopback
 * by default), so it must not be published to the internet.
 */
export async function startOpsServer(ctx: ModuleRef, port: number, host: string): Promise<Server> {
  const metrics = ctx.get(MetricsService, { strict: false });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(405, 'text/plain', 'Method Not Allowed\n');
    }
    if (path === '/metrics') {
      metrics.render().then(
        (m) => send(200, m.contentType, m.body),
        (err: Error) => send(500, 'text/plain', `metrics failed: ${err.message}\n`),
      );
      return;
    }
    if (path === '/health') {
      processHealth(ctx).then(
        (h) => send(h.status === 'ok' ? 200 : 503, 'application/json', JSON.stringify(h)),
        (err: Error) =>
          send(503, 'application/json', JSON.stringify({ status: 'error', message: err.message })),
      );
      return;
    }
    send(404, 'text/plain', 'Not Found: try /metrics or /health\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export function serverPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** The operations port as a provider: `start()` opens it; the application's shutdown closes it. */
@Injectable()
export class OpsServer implements OnApplicationShutdown {
  private server: Server | null = null;

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Opens the port (0: any free port); returns the port it listens on. */
  async listen(port: number, host: string): Promise<number> {
    this.server = await startOpsServer(this.moduleRef, port, host);
    return serverPort(this.server);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
