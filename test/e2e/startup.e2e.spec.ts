import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { checkRedis } from '../../src/bootstrap.js';
import { ensureDatabase } from '../../src/database/database.js';

// These run the built server (`npm test` builds first) the way an operator would start it.
const main = 'dist/src/main.js';

function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [main], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, lines: result.stderr.trim().split('\n') };
}

describe('start-up errors', () => {
  it('has a build to start', () => {
    expect(existsSync(main)).toBe(true);
  });

  it('prints one line for a bad setting', () => {
    const r = start({ PORT: 'abc' });
    expect(r.status).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^reloop: Invalid setting PORT="abc"/);
  });

  it('refuses each unsafe production setting with one line saying what to set', () => {
    const safe = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      ERASURE_SIGNING_KEY: generateKeyPairSync('ed25519')
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      PUBLIC_BASE_URL: 'https://reloop.example.com',
      PAYMENT_PROVIDER: 'wechatpay',
      WECHATPAY_MCH_ID: '1900000109',
      WECHATPAY_APP_ID: 'wxd678efh567hg6787',
      WECHATPAY_MERCHANT_SERIAL: 'MERCHANT0123456789ABCDEF',
      WECHATPAY_PRIVATE_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      WECHATPAY_PLATFORM_PUBLIC_KEY: generateKeyPairSync('rsa', { modulusLength: 2048 })
        .publicKey.export({ type: 'spki', format: 'pem' })
        .toString(),
      WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0114232134912410000',
      WECHATPAY_APIV3_KEY: 'k'.repeat(32),
    };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [
        { PAYMENT_PROVIDER: 'test-pay' },
        /^reloop: PAYMENT_PROVIDER=test-pay is refused in production/,
      ],
      [
        { ERASURE_STATION: 'simulated' },
        /^reloop: ERASURE_STATION=simulated is refused in production/,
      ],
      [{ ERASURE_SIGNING_KEY: '' }, /^reloop: ERASURE_SIGNING_KEY is required in production/],
      [{ PUBLIC_BASE_URL: 'http://localhost:3000' }, /^reloop: PUBLIC_BASE_URL must be/],
    ];
    for (const [change, message] of cases) {
      const r = start({ ...safe, ...change });
      expect(r.status).toBe(1);
      expect(r.lines).toHaveLength(1);
      expect(r.lines[0]).toMatch(message);
    }
  });

  it('prints one line when PostgreSQL cannot be reached', () => {
    const r = start({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/reloop',
      REDIS_URL: 'redis://127.0.0.1:6379/1',
    });
    expect(r.status).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^reloop: Cannot reach PostgreSQL at 127.0.0.1:1 \(ECONNREFUSED\)/);
  });

  it('prints one line when Redis cannot be reached', () => {
    const r = start({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect(r.status).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^reloop: Cannot reach Redis at 127.0.0.1:1/);
  });

  it('explains a Redis that may evict jobs', async () => {
    const port = 6450 + Math.floor(Math.random() * 40);
    const { spawn } = await import('node:child_process');
    const redis = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--maxmemory-policy',
        'allkeys-lru',
      ],
      {
        stdio: 'ignore',
      },
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      await expect(
        checkRedis({ redisUrl: `redis://127.0.0.1:${port}/0`, redisCluster: null }),
      ).rejects.toThrow(/maxmemory-policy=allkeys-lru; BullMQ needs noeviction/);
    } finally {
      redis.kill('SIGKILL');
    }
  });

  it('explains a database URL it cannot use', async () => {
    await expect(ensureDatabase('postgres://postgres@127.0.0.1:5432/bad;name')).rejects.toThrow(
      /use letters, digits/,
    );
  });
});

describe('a fresh start', () => {
  it('creates and migrates a missing database, serves /health, and stops cleanly on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { randomBytes } = await import('node:crypto');
    const name = `reloop_start_${randomBytes(4).toString('hex')}`;
    const port = 40000 + Math.floor(Math.random() * 10000);
    const child = spawn(process.execPath, [main, 'all'], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PORT: String(port),
        DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${name}`,
        REDIS_URL: 'redis://127.0.0.1:6379/1',
        QUEUE_PREFIX: name,
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let health = 0;
      for (let i = 0; i < 100 && health !== 200; i++) {
        await new Promise((r) => setTimeout(r, 300));
        health = await fetch(`http://127.0.0.1:${port}/health`)
          .then((r) => r.status)
          .catch(() => 0);
      }
      expect(health).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      const pg = (await import('pg')).default;
      const client = new pg.Client({
        connectionString: 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    }
  }, 60_000);
});
