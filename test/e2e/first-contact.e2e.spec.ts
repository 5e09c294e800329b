import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import pg from 'pg';
import { TEMPLATE_DATABASE_URL, TEST_REDIS_URL } from '../support/databases.js';
import { createTestApp } from '../support/test-app.js';

// The built server (`npm test` builds first), started the way `npm start` starts it.
const main = 'dist/src/main.js';

function databaseUrl(name: string): string {
  const u = new URL(TEMPLATE_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

describe('first contact (issue 25, point 6)', () => {
  const databases: string[] = [];
  const prefixes: string[] = [];
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: databaseUrl('postgres') });
    await admin.connect();
    for (const name of databases)
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    const redis = new Redis(TEST_REDIS_URL);
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis.disconnect();
  });

  it('redirects / to the console', async () => {
    const t = await createTestApp();
    try {
      const res = await t.http.get('/').expect(302);
      expect(res.headers.location).toBe('/console/');
    } finally {
      await t.close();
    }
  });

  it('prints where the console, market, API docs and queue dashboard are, and logs JSON to a pipe', async () => {
    const name = `reloop_first_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    prefixes.push(name);
    const port = 43000 + Math.floor(Math.random() * 300);
    const child = spawn(process.execPath, [main, 'all'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        DATABASE_URL: databaseUrl(name),
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: name,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      // The plain block goes to the pipe at once, the JSON log asynchronously: wait for both.
      const started = () => out.includes('queue dashboard') && out.includes('listening on');
      for (let i = 0; i < 150 && !started(); i++) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const base = `http://127.0.0.1:${port}`;
      expect(out).toContain(`console          ${base}/console/`);
      expect(out).toContain(`market           ${base}/market`);
      expect(out).toContain(`API docs         ${base}/api/docs`);
      expect(out).toContain(`queue dashboard  ${base}/admin/queues`);

      const home = await fetch(`${base}/`, { redirect: 'manual' });
      expect(home.status).toBe(302);
      expect(home.headers.get('location')).toBe('/console/');

      // Standard output is a pipe here, not a terminal: the log stays one JSON object a line.
      const logLines = out.split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.length).toBeGreaterThan(0);
      const listening = logLines
        .map((l) => JSON.parse(l) as { msg?: string })
        .find((l) => l.msg?.includes('listening on'));
      expect(listening?.msg).toContain(`console: ${base}/console/`);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
