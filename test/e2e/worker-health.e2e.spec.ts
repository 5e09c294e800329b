import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePortBetween } from '../faults/support/servers.js';
import { cloneTemplateDatabase, dropDatabase } from '../support/databases.js';

// The built server (`npm test` builds first) as the image runs it: a worker process, and the
// `health` command its container's HEALTHCHECK runs.
const main = 'dist/src/main.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve()
      : child.once('exit', () => resolve()),
  );

describe('worker health (issue 25, point 2)', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  let databaseUrl = '';
  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await exited(c);
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('reports a stopped Redis as unhealthy', async () => {
    // Throwaway ports in 43300-43499 (other tests take other parts of 43000-43999), checked free:
    // a Redis of its own, and the worker's operations port.
    const redisPort = await freePortBetween(43300 + Math.floor(Math.random() * 50), 43399);
    const opsPort = await freePortBetween(43400 + Math.floor(Math.random() * 50), 43499);
    const dir = mkdtempSync(join(tmpdir(), 'reloop-health-'));
    dirs.push(dir);
    const redis = spawn(
      'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    children.push(redis);
    databaseUrl = await cloneTemplateDatabase();
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: databaseUrl,
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      QUEUE_PREFIX: `h${randomBytes(4).toString('hex')}`,
      METRICS_PORT: String(opsPort),
      METRICS_HOST: '127.0.0.1',
    };
    await sleep(300);
    const worker = spawn(process.execPath, [main, 'worker'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(worker);
    // What the worker said if it died, so a failure here names its cause.
    let workerErr = '';
    worker.stderr?.on('data', (d: Buffer) => (workerErr = (workerErr + d.toString()).slice(-4000)));

    const health = () => {
      const r = spawnSync(process.execPath, [main, 'health'], {
        env,
        encoding: 'utf8',
        timeout: 15_000,
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };

    let h = health();
    // A slow first boot on a loaded machine: up to a minute.
    for (const deadline = Date.now() + 60_000; h.status !== 0 && Date.now() < deadline;) {
      await sleep(500);
      h = health();
    }
    if (h.status !== 0) {
      throw new Error(
        `worker not healthy (exit ${String(worker.exitCode)}): ${h.out}\nworker stderr: ${workerErr}`,
      );
    }
    const ok = JSON.parse(h.out) as {
      status: string;
      redis: { status: string };
      queues: Record<string, { status: string }>;
      apiPort: number | null;
    };
    expect(ok.status).toBe('ok');
    expect(ok.redis.status).toBe('up');
    expect(Object.keys(ok.queues)).toEqual(
      expect.arrayContaining(['workflow', 'notifications', 'payments']),
    );
    expect(ok.apiPort).toBeNull();

    redis.kill('SIGTERM');
    await exited(redis);

    h = health();
    for (let i = 0; i < 30 && h.status === 0; i++) {
      await sleep(500);
      h = health();
    }
    expect(h.status).toBe(1);
    const down = JSON.parse(h.out) as {
      status: string;
      database: { status: string };
      redis: { status: string };
      queues: Record<string, { status: string }>;
    };
    expect(down.status).toBe('error');
    expect(down.redis.status).toBe('down');
    expect(down.database.status).toBe('up');
    expect(Object.values(down.queues).some((q) => q.status === 'down')).toBe(true);
    // The worker itself keeps running, waiting for Redis to come back.
    expect(worker.exitCode).toBeNull();
  }, 150_000);
});
