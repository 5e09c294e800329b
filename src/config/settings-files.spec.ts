import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { KNOWN_KEYS } from './app-config.js';

const read = (path: string) => readFileSync(path, 'utf8');

describe('every setting is documented and deployable (issue 25, point 2)', () => {
  it('.env.example lists every setting, each with a comment above it', () => {
    const text = read('.env.example');
    const listed = [...text.matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...new Set(KNOWN_KEYS)].sort());
    const lines = text.split('\n');
    for (const key of listed) {
      // Each setting sits in a block of settings under a comment that says what it means.
      let i = lines.findIndex((l) => l.startsWith(`${key}=`)) - 1;
      while (i >= 0 && /^[A-Z0-9_]+=/.test(lines[i])) i--;
      expect({ key, comment: lines[i]?.startsWith('#') }).toEqual({ key, comment: true });
    }
  });

  it('docker/compose.yml passes every setting to the platform containers', () => {
    const compose = read('docker/compose.yml');
    const block = /^x-reloop-environment: &environment\n((?: {2}.*\n)+)/m.exec(compose)?.[1] ?? '';
    const passed = [...block.matchAll(/^ {2}([A-Z0-9_]+):/gm)].map((m) => m[1]);
    // The mode is each service's own (RELOOP_MODE: api / worker), the rest shared.
    expect([...passed, 'RELOOP_MODE'].sort()).toEqual([...new Set(KNOWN_KEYS)].sort());
    expect(compose).toMatch(/RELOOP_MODE: api/);
    expect(compose).toMatch(/RELOOP_MODE: worker/);
    for (const key of passed.filter((k) => k !== 'NODE_ENV')) {
      expect(block).toContain(`\${${key}:`);
    }
    expect(compose).toMatch(/'--appendonly',\s*'yes'/);
    expect(compose).toMatch(/pgdata:\/var\/lib\/postgresql\/data/);
    expect(compose).toMatch(/redisdata:\/data/);
  });

  it('the image runs as a non-root user with a health check', () => {
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile).toMatch(/^USER node$/m);
    // What the running platform reads from the package root besides dist/.
    expect(dockerfile).toMatch(/^COPY config \.\/config$/m);
    expect(dockerfile).toMatch(/^COPY scripts\/reloop-verify\.mjs /m);
    expect(dockerfile).toMatch(
      /^HEALTHCHECK [^\n]*\\\n\s*CMD \["node", "dist\/src\/main\.js", "health"\]$/m,
    );
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
  });

  it('runs on Node 22 LTS, and still on the Node 20.19+ that CI machines have (point 1)', () => {
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(dockerfile.match(/^FROM (.+) AS /gm)).toEqual([
      'FROM ${NODE_IMAGE} AS ',
      'FROM ${NODE_IMAGE} AS ',
      'FROM ${NODE_IMAGE} AS ',
    ]);
    // The image build stops if argon2's native binary does not load.
    expect(dockerfile).toMatch(/^RUN node -e "import\('argon2'\)/m);
    expect(read('.nvmrc').trim()).toBe('22');
    const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=20.19');
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(20);
  });
});
