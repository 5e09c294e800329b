import { describe, expect, it } from '@jest/globals';
import { siteUrls, startupLines } from './site-urls.js';

describe('siteUrls', () => {
  it('shows a wildcard bind address as localhost', () => {
    expect(siteUrls({ host: '0.0.0.0', port: 3000 })).toEqual({
      console: 'http://localhost:3000/console/',
      market: 'http://localhost:3000/market',
      apiDocs: 'http://localhost:3000/api/docs',
      queueDashboard: 'http://localhost:3000/admin/queues',
    });
    expect(siteUrls({ host: '::', port: 8080 }).console).toBe('http://localhost:8080/console/');
  });

  it('keeps a named address, bracketing IPv6', () => {
    expect(siteUrls({ host: '127.0.0.1', port: 3000 }).market).toBe('http://127.0.0.1:3000/market');
    expect(siteUrls({ host: '::1', port: 3000 }).apiDocs).toBe('http://[::1]:3000/api/docs');
  });

  it('names every page in the start-up message', () => {
    const text = startupLines({ host: '0.0.0.0', port: 3000, mode: 'all' }, 'off').join('\n');
    for (const page of ['/console/', '/market', '/api/docs', '/admin/queues']) {
      expect(text).toContain(`http://localhost:3000${page}`);
    }
  });
});
