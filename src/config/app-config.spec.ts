import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, isLocalUrl, loadConfig } from './app-config.js';

const KEY = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
/** Everything production needs (issue 17); each case below breaks one thing. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'x'.repeat(40),
  ERASURE_SIGNING_KEY: KEY,
  PUBLIC_BASE_URL: 'https://reloop.example.com',
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

  it('takes the mode from the command line over RELOOP_MODE', () => {
    expect(loadConfig({ RELOOP_MODE: 'api' }).mode).toBe('api');
    expect(loadConfig({ RELOOP_MODE: 'api' }, 'worker').mode).toBe('worker');
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid setting PORT="eighty": .*\(a port number/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid setting DATABASE_URL=.*postgres:\/\//],
    [{ REDIS_URL: 'localhost:6379' }, /^Invalid setting REDIS_URL/],
    [{ JWT_SECRET: 'short' }, /^Invalid setting JWT_SECRET=\(hidden\)/],
    [{ NODE_ENV: 'production' }, /^JWT_SECRET is required in production/],
    [{ ADMIN_EMAIL: 'a@b.cn' }, /ADMIN_PASSWORD is not/],
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
});
