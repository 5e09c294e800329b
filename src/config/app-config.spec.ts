import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

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
