import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { logFormat, prettyStream, scrubUrl } from './logging.js';

describe('scrubUrl', () => {
  it('hides the values of secret query parameters and keeps the rest', () => {
    expect(scrubUrl('/admin/queues?ticket=abc123')).toBe('/admin/queues?ticket=[redacted]');
    expect(scrubUrl('/api/v1/x?limit=5&token=eyJ.x.y&state=OPEN')).toBe(
      '/api/v1/x?limit=5&token=[redacted]&state=OPEN',
    );
    expect(scrubUrl('/a?Access_Token=s&refresh_token=r&code=1234')).toBe(
      '/a?Access_Token=[redacted]&refresh_token=[redacted]&code=[redacted]',
    );
    expect(scrubUrl('/a?%74oken=s')).toBe('/a?%74oken=[redacted]');
    expect(scrubUrl('/plain/path')).toBe('/plain/path');
    expect(scrubUrl('/a?flag')).toBe('/a?flag');
    expect(scrubUrl(undefined)).toBeUndefined();
  });
});

describe('logFormat', () => {
  const dev = { env: 'development' as const, logFile: null, logFormat: 'auto' as const };

  it('pretty-prints in development on a terminal, JSON everywhere else', () => {
    expect(logFormat(dev, true)).toBe('pretty');
    expect(logFormat(dev, false)).toBe('json');
    expect(logFormat({ ...dev, env: 'production' }, true)).toBe('json');
    expect(logFormat({ ...dev, env: 'test' }, true)).toBe('json');
    expect(logFormat({ ...dev, logFile: '/tmp/reloop.log' }, true)).toBe('json');
  });

  it('follows LOG_FORMAT when it is set', () => {
    expect(logFormat({ ...dev, logFormat: 'json' }, true)).toBe('json');
    expect(logFormat({ ...dev, env: 'production', logFormat: 'pretty' }, false)).toBe('pretty');
  });

  it('writes one readable line per request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reloop-log-'));
    try {
      const file = join(dir, 'pretty.log');
      const logger = pino({}, prettyStream(file));
      logger.info(
        { req: { method: 'GET', url: '/api/v1/x' }, res: { statusCode: 200 }, responseTime: 4 },
        'request completed',
      );
      logger.info({ context: 'Bootstrap' }, 'ready');
      await new Promise((r) => setTimeout(r, 300));
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines[0]).toMatch(/INFO: GET \/api\/v1\/x → 200 in 4 ms request completed$/);
      expect(lines[1]).toMatch(/INFO: \[Bootstrap\] ready$/);
      expect(lines).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
