import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { describe, expect, it } from '@jest/globals';
import { findCjkFont } from './cjk-font.js';
import { ConfigError, isLocalUrl, loadConfig } from './app-config.js';

const KEY = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
/** A real payment provider (issue 23): its numbers and keys. */
const WECHATPAY = {
  PAYMENT_PROVIDER: 'wechatpay',
  WECHATPAY_MCH_ID: '1900000109',
  WECHATPAY_APP_ID: 'wxd678efh567hg6787',
  WECHATPAY_MERCHANT_SERIAL: 'MERCHANT0123456789ABCDEF',
  WECHATPAY_PRIVATE_KEY: rsa().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  WECHATPAY_PLATFORM_PUBLIC_KEY: rsa().publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  WECHATPAY_PLATFORM_SERIAL: 'PUB_KEY_ID_0114232134912410000',
  WECHATPAY_APIV3_KEY: 'a'.repeat(32),
};
/** Everything production needs (issue 17); each case below breaks one thing. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(40),
  ERASURE_SIGNING_KEY: KEY,
  PUBLIC_BASE_URL: 'https://reloop.example.com',
  ...WECHATPAY,
};

describe('loadConfig', () => {
  it('has working defaults for one machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      mode: 'all',
      port: 3000,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/reloop',
      redisUrl: 'redis://127.0.0.1:6379/0',
    });
    expect(c.jwt.secret).toHaveLength(64);
    expect(c.warnings.join()).toContain('JWT_SECRET is not set');
  });

  it('signs a history checkpoint every 10 minutes unless told, never more often than each second', () => {
    expect(loadConfig({}).credentials.checkpointEveryMs).toBe(600_000);
    expect(
      loadConfig({ HISTORY_CHECKPOINT_INTERVAL_MS: '60000' }).credentials.checkpointEveryMs,
    ).toBe(60_000);
    expect(() => loadConfig({ HISTORY_CHECKPOINT_INTERVAL_MS: '10' })).toThrow(
      /HISTORY_CHECKPOINT_INTERVAL_MS/,
    );
  });

  it('takes the mode from the command line over RELOOP_MODE', () => {
    expect(loadConfig({ RELOOP_MODE: 'api' }).mode).toBe('api');
    expect(loadConfig({ RELOOP_MODE: 'api' }, 'worker').mode).toBe('worker');
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid setting PORT="eighty": .*\(a port number/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid setting DATABASE_URL=.*postgres:\/\//],
    [{ DATABASE_READ_URL: 'replica:5432' }, /^Invalid setting DATABASE_READ_URL=.*read replica/],
    [{ REDIS_URL: 'localhost:6379' }, /^Invalid setting REDIS_URL/],
    [{ JWT_SECRET: 'short' }, /^Invalid setting JWT_SECRET=\(hidden\)/],
    [{ NODE_ENV: 'production' }, /^JWT_SECRET is required in production/],
    [{ ADMIN_EMAIL: 'a@b.cn' }, /ADMIN_PASSWORD is not/],
    [
      { CERTIFICATE_FONT: '/nowhere/simhei.ttf' },
      /^Invalid setting CERTIFICATE_FONT="\/nowhere\/simhei.ttf": no such file .*fonts-noto-cjk/,
    ],
  ])('explains a bad setting in one line: %j', (env, message) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('finds the Chinese font for certificate PDFs, or takes the one named', () => {
    // CI installs Debian's fonts-noto-cjk (.ci/run); the setting may name any CJK font file.
    expect(loadConfig({}).erasure.certificateFont).toBe(findCjkFont(undefined));
    expect(loadConfig({}).erasure.certificateFont).not.toBeNull();
    const named = findCjkFont(undefined)!;
    expect(loadConfig({ CERTIFICATE_FONT: named }).erasure.certificateFont).toBe(named);
    expect(loadConfig({ ...PRODUCTION }).warnings.join()).not.toContain('Chinese font');
  });

  it('chooses no erasure simulator unless asked, and says when it is on', () => {
    expect(loadConfig({}).erasure.station).toBe('external');
    expect(loadConfig({}).warnings.join()).not.toContain('simulator');
    const sim = loadConfig({ ERASURE_STATION: 'simulated' });
    expect(sim.erasure.station).toBe('simulated');
    expect(sim.warnings.join()).toMatch(/erasure simulator is on; it erases nothing/);
  });

  it('starts in production with a fixed signing key, a public URL and no simulator', () => {
    const c = loadConfig(PRODUCTION);
    expect(c).toMatchObject({ env: 'production', publicBaseUrl: 'https://reloop.example.com' });
    expect(c.erasure.station).toBe('external');
    expect(c.erasure.signingKeyPem).toBe(KEY);
  });

  it.each([
    [
      { ERASURE_STATION: 'simulated' },
      /^ERASURE_STATION=simulated is refused in production.*set ERASURE_STATION=external/,
    ],
    [
      { ERASURE_SIGNING_KEY: '' },
      /^ERASURE_SIGNING_KEY is required in production: set it to an Ed25519/,
    ],
    [
      { PUBLIC_BASE_URL: '' },
      /^PUBLIC_BASE_URL must be .* not the default http:\/\/localhost:3000: set PUBLIC_BASE_URL=/,
    ],
    [{ PUBLIC_BASE_URL: 'http://localhost:8080' }, /^PUBLIC_BASE_URL must be .*localhost:8080/],
    [{ PUBLIC_BASE_URL: 'http://127.0.0.1' }, /^PUBLIC_BASE_URL must be/],
    [{ PUBLIC_BASE_URL: 'http://[::1]:3000' }, /^PUBLIC_BASE_URL must be/],
    [
      { PAYMENT_PROVIDER: 'test-pay' },
      /^PAYMENT_PROVIDER=test-pay is refused in production \(the test payment provider moves no money\)/,
    ],
    [{ PAYMENT_PROVIDER: '' }, /^PAYMENT_PROVIDER=test-pay is refused in production/],
  ])('refuses an unsafe production setting in one line: %j', (change, message) => {
    let error: unknown;
    try {
      loadConfig({ ...PRODUCTION, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
    // The same settings are fine outside production (development, tests).
    expect(() => loadConfig({ ...PRODUCTION, NODE_ENV: 'development', ...change })).not.toThrow();
  });

  it('takes WeChat Pay with all its keys, and names what is missing or wrong in one line', () => {
    const c = loadConfig({ ...WECHATPAY, PUBLIC_BASE_URL: 'https://reloop.example.com' });
    expect(c.payments).toMatchObject({
      provider: 'wechatpay',
      wechatpay: {
        mchId: '1900000109',
        baseUrl: 'https://api.mch.weixin.qq.com',
        notifyUrl: 'https://reloop.example.com/api/v1/webhooks/inbound/wechatpay',
      },
    });
    expect(loadConfig({}).payments).toEqual({
      provider: 'test-pay',
      wechatpay: null,
      reconciliationCron: '30 10 * * *',
    });
    expect(loadConfig({}).warnings.join()).toMatch(
      /test payment provider is on; it moves no money/,
    );
    for (const [change, message] of [
      [{ WECHATPAY_APIV3_KEY: '' }, /^PAYMENT_PROVIDER=wechatpay needs WECHATPAY_APIV3_KEY/],
      [{ WECHATPAY_APIV3_KEY: 'short' }, /^Invalid setting WECHATPAY_APIV3_KEY=\(hidden\)/],
      [{ WECHATPAY_PRIVATE_KEY: 'nope' }, /^Invalid setting WECHATPAY_PRIVATE_KEY=\(hidden\)/],
      [{ WECHATPAY_PLATFORM_PUBLIC_KEY: 'nope' }, /^Invalid setting WECHATPAY_PLATFORM_PUBLIC_KEY/],
    ] as const) {
      expect(() => loadConfig({ ...WECHATPAY, ...change })).toThrow(message);
    }
  });

  it('tells local addresses from public ones', () => {
    for (const url of [
      'http://localhost',
      'http://app.localhost',
      'http://127.0.0.2:3000',
      'http://[::1]',
      'http://0.0.0.0',
    ]) {
      expect(isLocalUrl(url)).toBe(true);
    }
    for (const url of [
      'https://reloop.example.com',
      'http://10.0.0.5',
      'https://localhost.example.com',
    ]) {
      expect(isLocalUrl(url)).toBe(false);
    }
  });

  it('refuses an unknown mode', () => {
    expect(() => loadConfig({}, 'both')).toThrow(/Unknown mode "both"/);
  });

  it('trusts no proxy by default, and only listed addresses or CIDRs when told', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(
      loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,loopback,fd00::/8' }).trustProxy,
    ).toEqual(['10.0.0.0/8', '192.168.1.7', 'loopback', 'fd00::/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY.*lets any client/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' })).toThrow(/"10.0.0.0\/33" is not/);
    expect(() => loadConfig({ TRUST_PROXY: 'proxy.local' })).toThrow(/not an address, a CIDR/);
  });

  it('has session and per-account login settings', () => {
    const c = loadConfig({});
    expect(c.sessions.refreshTtlSeconds).toBe(43200);
    expect(c.rateLimit.loginPerAccountPerMinute).toBe(5);
    expect(() => loadConfig({ REFRESH_TOKEN_TTL_SECONDS: '60' })).toThrow(
      /REFRESH_TOKEN_TTL_SECONDS/,
    );
  });

  it('keeps photos in a local folder by default, in an S3-compatible bucket when told', () => {
    const local = loadConfig({}).photos;
    expect(local).toMatchObject({ store: 'local', maxBytes: 10 * 1024 * 1024, s3: null });
    expect(local.dir).toMatch(/var[/\\]photos$/);
    expect(loadConfig({ PHOTO_DIR: '/srv/photos' }).photos.dir).toBe('/srv/photos');
    expect(() => loadConfig({ PHOTO_STORE: 's3' })).toThrow(
      /PHOTO_STORE=s3 needs PHOTO_S3_BUCKET, PHOTO_S3_ACCESS_KEY_ID, PHOTO_S3_SECRET_ACCESS_KEY/,
    );
    const s3 = loadConfig({
      PHOTO_STORE: 's3',
      PHOTO_S3_ENDPOINT: 'https://oss-cn-shanghai.aliyuncs.com',
      PHOTO_S3_BUCKET: 'reloop-photos',
      PHOTO_S3_ACCESS_KEY_ID: 'id',
      PHOTO_S3_SECRET_ACCESS_KEY: 'secret',
      PHOTO_S3_FORCE_PATH_STYLE: 'false',
    }).photos;
    expect(s3).toMatchObject({
      store: 's3',
      s3: {
        endpoint: 'https://oss-cn-shanghai.aliyuncs.com',
        region: 'us-east-1',
        bucket: 'reloop-photos',
        forcePathStyle: false,
      },
    });
    expect(() => loadConfig({ PHOTO_MAX_BYTES: '10' })).toThrow(/PHOTO_MAX_BYTES/);
    expect(() => loadConfig({ PHOTO_S3_BUCKET: 'Bad_Bucket' })).toThrow(/PHOTO_S3_BUCKET/);
  });

  it('uses one Redis server by default, a Redis Cluster when given its nodes (issue 27)', () => {
    const one = loadConfig({});
    expect(one.redisCluster).toBeNull();
    const c = loadConfig({
      REDIS_URL: 'rediss://ops:s%40cret@ignored.example:6380/0',
      REDIS_CLUSTER_NODES: ' 10.0.0.1:6379, redis-2.internal:7000,[fd00::3]:6379',
      QUEUE_PREFIX: 'rl',
    });
    expect(c.redisCluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 6379 },
        { host: 'redis-2.internal', port: 7000 },
        { host: 'fd00::3', port: 6379 },
      ],
      username: 'ops',
      password: 's@cret',
      tls: true,
    });
    for (const bad of ['10.0.0.1', '10.0.0.1:0', '10.0.0.1:6379,', 'redis://10.0.0.1:6379']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: bad })).toThrow(
        /^Invalid setting REDIS_CLUSTER_NODES=.* is not host:port \(e\.g\./,
      );
    }
  });

  it('runs one API process per core in api mode, one elsewhere and in tests (issue 27)', () => {
    expect(loadConfig({}, 'api').apiWorkers).toBe(availableParallelism());
    expect(loadConfig({ NODE_ENV: 'test' }, 'api').apiWorkers).toBe(1);
    expect(loadConfig({ API_WORKERS: '3' }, 'api').apiWorkers).toBe(3);
    const all = loadConfig({ API_WORKERS: '3' });
    expect(all.apiWorkers).toBe(1);
    expect(all.warnings.join()).toMatch(/API_WORKERS=3 applies to the api mode only/);
    expect(loadConfig({}, 'worker').apiWorkers).toBe(1);
    expect(() => loadConfig({ API_WORKERS: '0' }, 'api')).toThrow(/^Invalid setting API_WORKERS/);
  });
});
