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
});
