import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { cloneTemplateDatabase, dropDatabase, TEST_REDIS_URL } from '../support/databases.js';

jest.setTimeout(180_000);

// The built server (`npm test` builds first), started as an operator would: `main.js api`.
const main = 'dist/src/main.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One GET on a fresh connection (no keep-alive), so the supervisor hands it to a worker. */
function fetchOnce(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

const parentOf = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);

interface SupervisorHealth {
  status: string;
  workers: number[];
  expectedWorkers: number;
  apiPort: number;
}

/**
 * Issue 27 point 3: `api` mode with API_WORKERS=2 runs a supervisor and two API processes on
 * one port. Both serve requests (each labels its metrics with its worker id), a killed worker
 * is replaced, and SIGTERM stops them all cleanly.
 */
describe('API processes per core (issue 27, point 3)', () => {
  let databaseUrl = '';
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
    }
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('serves one port from two processes, replaces a dead one, and stops on SIGTERM', async () => {
    expect(existsSync(main)).toBe(true);
    databaseUrl = await cloneTemplateDatabase();
    const port = await freePort();
    const opsPort = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      API_WORKERS: '2',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(opsPort),
      DATABASE_URL: databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `w${randomBytes(4).toString('hex')}`,
    };
    const supervisor = spawn(process.execPath, [main, 'api'], { env, stdio: 'ignore' });
    child = supervisor;
    const exited = new Promise<number | null>((resolve) => supervisor.once('exit', resolve));
    const ops = async () => {
      const res = await fetchOnce(`http://127.0.0.1:${opsPort}/health`).catch(() => null);
      return res ? { http: res.status, ...(JSON.parse(res.body) as SupervisorHealth) } : null;
    };
    let health = await ops();
    for (let i = 0; i < 240 && health?.http !== 200; i++) {
      await sleep(250);
      health = await ops();
    }
    expect(health).toMatchObject({ http: 200, status: 'ok', expectedWorkers: 2, apiPort: port });
    const first = health!.workers;
    expect(first).toHaveLength(2);
    for (const pid of first) expect(parentOf(pid)).toBe(supervisor.pid);
    // The workers listen once they have booted.
    let api = 0;
    for (let i = 0; i < 240 && api !== 200; i++) {
      api = await fetchOnce(`http://127.0.0.1:${port}/health`)
        .then((r) => r.status)
        .catch(() => 0);
      if (api !== 200) await sleep(250);
    }
    expect(api).toBe(200);
    // The health command of the image: the supervisor's port, then the API's /health.
    const cli = spawnSync(process.execPath, [main, 'health'], { env, encoding: 'utf8' });
    expect(cli.status).toBe(0);

    // New connections go to the workers in turn: both serve, each counting its own.
    for (let i = 0; i < 20; i++) {
      expect((await fetchOnce(`http://127.0.0.1:${port}/api/v1/categories`)).status).toBe(200);
    }
    const metrics = (await fetchOnce(`http://127.0.0.1:${opsPort}/metrics`)).body;
    const served = [
      ...metrics.matchAll(
        /^reloop_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/categories"[^}]*api_worker="(\d+)"\} (\d+)$/gm,
      ),
    ].map((m) => ({ worker: m[1], requests: Number(m[2]) }));
    expect(served).toHaveLength(2);
    expect(served.reduce((sum, s) => sum + s.requests, 0)).toBe(20);
    for (const s of served) expect(s.requests).toBeGreaterThan(0);

    // A worker that dies is replaced.
    process.kill(first[0], 'SIGKILL');
    let replaced: number[] = [];
    for (let i = 0; i < 240; i++) {
      await sleep(250);
      const h = await ops();
      if (h?.http === 200 && !h.workers.includes(first[0])) {
        replaced = h.workers;
        break;
      }
    }
    expect(replaced).toHaveLength(2);
    expect(replaced).toContain(first[1]);

    // SIGTERM: every worker stops, then the supervisor, with 0.
    supervisor.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of replaced) expect(existsSync(`/proc/${pid}`)).toBe(false);
  });
});
