import { existsSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const CONSOLE_PATH = '/console';
/** Public pages that the console's single-page app also renders (no sign-in). */
export const PUBLIC_PAGES = ['/t/:traceCode', '/market', '/market/*'];

/** console/dist beside the package root, whether running from src/ (tests) or dist/src/. */
export function consoleDistDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'console', 'dist');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reloop console not built</title></head>
<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto">
<h1>Reloop console not built</h1>
<p>console not built: run <code>npm run console:build</code>, then reload this page.</p>
<p>The API itself is running: see <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;

/**
 * Serves the built console at /console/ (and redirects / there) and its public pages (/t/:traceCode, /market). Client
 * routes fall back to index.html; hashed assets are cached for good. The dist folder is looked
 * at per request, so a build made while the server runs is picked up, and a missing build gives
 * a clear 503 instead of a bare 404.
 */
export async function mountConsole(fastify: FastifyInstance, root = consoleDistDir()) {
  await fastify.register(fastifyStatic, { root, serve: false });
  const index = join(root, 'index.html');

  const page = (reply: FastifyReply) => {
    if (!existsSync(index)) {
      return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  };

  // First contact (issue 25): the site's root is the console, not a JSON 404.
  fastify.get('/', (_req, reply) => reply.redirect(`${CONSOLE_PATH}/`));
  fastify.get(CONSOLE_PATH, (_req, reply) => reply.redirect(`${CONSOLE_PATH}/`));
  fastify.get(`${CONSOLE_PATH}/*`, (req, reply) => {
    const rel = (req.params as { '*'?: string })['*'] ?? '';
    const file = join(root, rel);
    // A path with an extension is a file: serve it or 404; anything else is a client route.
    if (/\.[a-z0-9]+$/i.test(rel) && existsSync(index)) {
      if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
        return reply.status(404).send({
          statusCode: 404,
          error: 'Not Found',
          code: 'not_found',
          message: `No file ${rel}`,
        });
      }
      const hashed = rel.startsWith('assets/');
      return reply.sendFile(rel, { immutable: hashed, maxAge: hashed ? '365d' : 0 });
    }
    return page(reply);
  });
  for (const path of PUBLIC_PAGES) fastify.get(path, (_req, reply) => page(reply));
}
