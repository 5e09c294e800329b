import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { consoleDistDir, mountConsole } from './console-site.js';

/** A real server and fetch (Fastify's inject needs an ESM-only module Jest cannot require). */
async function serve(root: string) {
  const fastify = Fastify();
  await mountConsole(fastify, root);
  const base = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return {
    inject: async ({ url }: { url: string }) => {
      const res = await fetch(base + url, { redirect: 'manual' });
      return {
        statusCode: res.status,
        headers: Object.fromEntries(res.headers),
        body: await res.text(),
      };
    },
    close: () => fastify.close(),
  };
}

describe('console site', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'reloop-console-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('finds console/dist beside the package root', () => {
    expect(consoleDistDir()).toBe(join(process.cwd(), 'console', 'dist'));
  });

  it('answers a clear 503 page when the console is not built', async () => {
    const app = await serve(join(tmp(), 'missing'));
    for (const url of ['/console/', '/console/courier', '/t/ABC123', '/market']) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('console not built: run <code>npm run console:build</code>');
    }
    await app.close();
  });

  it('serves files, falls back to index.html for client routes, and caches hashed assets', async () => {
    const root = tmp();
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = await serve(root);

    const redirect = await app.inject({ url: '/console' });
    expect(redirect.statusCode).toBe(302);
    expect(redirect.headers.location).toBe('/console/');
    const home = await app.inject({ url: '/' });
    expect(home.statusCode).toBe(302);
    expect(home.headers.location).toBe('/console/');

    for (const url of [
      '/console/',
      '/console/courier',
      '/console/warehouse/inspections/x',
      '/t/ABC123',
      '/market',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<title>console</title>');
      expect(res.headers['cache-control']).toBe('no-cache');
    }

    const asset = await app.inject({ url: '/console/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['cache-control']).toContain('immutable');

    expect((await app.inject({ url: '/console/assets/gone.js' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/console/..%2f..%2fpackage.json' })).statusCode).toBe(404);
    await app.close();
  });
});
