import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePortBetween } from '../faults/support/servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether something accepts connections on 127.0.0.1:port. */
const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });

/**
 * The README's first command on a machine with neither PostgreSQL nor Redis (issue 25, point 6):
 * `npm start` (scripts/start.mjs; `npm ci` has run, as for every test) in development, with the
 * ports it looks at pointed at empty throwaway ones — as a fresh machine's 5432 and 6379 are.
 */
/**
 * Three free consecutive ports below Linux's ephemeral range (32768–60999): a port in that range
 * can be taken at any moment by an outgoing connection of another test (CI failed on one).
 */
async function threeFreePorts(): Promise<[number, number, number]> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 23600 + Math.floor(Math.random() * 300) * 3;
    const ports = [base, base + 1, base + 2] as const;
    const free = await Promise.all(ports.map((p) => freePortBetween(p, p).catch(() => null)));
    if (free.every((p) => p !== null)) return [...ports];
  }
  throw new Error('no three free ports between 23600 and 24500');
}

describe('npm start with no PostgreSQL and no Redis', () => {
  let start: ChildProcess | null = null;
  let dir = '';
  afterAll(() => {
    start?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts an embedded PostgreSQL and a redis-server, serves, and stops them on the way out', async () => {
    const [pgPort, redisPort, port] = await threeFreePorts();
    expect(await answers(pgPort)).toBe(false);
    expect(await answers(redisPort)).toBe(false);
    dir = mkdtempSync(join(tmpdir(), 'reloop-first-'));
    // PostgreSQL runs as the `postgres` user when started by root: it must reach its folder.
    chmodSync(dir, 0o755);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      RELOOP_DEV_POSTGRES_PORT: String(pgPort),
      RELOOP_DEV_REDIS_PORT: String(redisPort),
      RELOOP_DEV_DIR: join(dir, '.reloop'),
      PORT: String(port),
      METRICS_PORT: '0',
    };
    start = spawn(process.execPath, ['scripts/start.mjs'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    start.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    start.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => start!.once('exit', r));

    let health = 0;
    for (let i = 0; i < 240 && health !== 200 && start.exitCode === null; i++) {
      await sleep(500);
      health = await fetch(`http://127.0.0.1:${port}/health`)
        .then((r) => r.status)
        .catch(() => 0);
    }
    expect({ health, out: health === 200 ? '' : out }).toEqual({ health: 200, out: '' });
    expect(out).toContain(`nothing answered on 127.0.0.1:${pgPort}, so an embedded PostgreSQL`);
    expect(out).toContain(`nothing answered on 127.0.0.1:${redisPort}, so redis-server runs`);
    expect(out).toContain('set DATABASE_URL to use your own server instead');
    expect(out).toContain(`console          http://localhost:${port}/console/`);
    const home = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual' });
    expect(home.status).toBe(302);

    start.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await answers(pgPort)).toBe(false);
    expect(await answers(redisPort)).toBe(false);
    // The data stays for the next start.
    expect(existsSync(join(dir, '.reloop', 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dir, '.reloop', 'redis'))).toBe(true);
  }, 180_000);
});
