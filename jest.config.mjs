// Jest runs the TypeScript sources as native ESM (NestJS 12 is ESM-only), compiled by SWC.
// SWC does not type-check: `npm run typecheck` does that in CI.
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

// Jest on Node 20 cannot require() an ES module, which Node itself can since 20.19. A few CommonJS
// dependencies rely on that (e.g. @fastify/static requires content-disposition@3). For those
// single-file ESM packages we compile a CommonJS copy once and point Jest at it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { transformSync } from '@swc/core';

const ESM_ONLY_REQUIRED_FROM_CJS = ['content-disposition'];
const cjsDir = new URL('./node_modules/.cache/reloop-jest/', import.meta.url).pathname;
mkdirSync(cjsDir, { recursive: true });
const require = createRequire(new URL('./node_modules/@fastify/static/index.js', import.meta.url));
const esmShims = Object.fromEntries(
  ESM_ONLY_REQUIRED_FROM_CJS.map((name) => {
    const source = readFileSync(require.resolve(name), 'utf8');
    const out = `${cjsDir}${name}.cjs`;
    writeFileSync(
      out,
      transformSync(source, { module: { type: 'commonjs' }, jsc: { target: 'es2022' } }).code,
    );
    return [`^${name}$`, out];
  }),
);

/** What every tier (and the fault suite) shares: how TypeScript is loaded. */
export const sources = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1', ...esmShims },
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
};

/**
 * The tiers (`npm run test:<tier>`; `npm test` runs them all). unit: pure rules and engines, no
 * database, no network (RELOOP_TEST_NO_DB=1 skips the template database). integration: services
 * and repositories against real PostgreSQL and Redis, no HTTP. e2e: the platform over HTTP as its
 * users and partners reach it. browser: the console in Chromium. races and security: concurrent
 * and hostile requests. The fault suite has its own configuration (test/faults).
 */
const tier = (displayName, ...folders) => ({
  ...sources,
  displayName,
  testMatch: folders.map((folder) => `<rootDir>/${folder}/**/*.spec.ts`),
});

export default {
  projects: [
    tier('unit', 'src', 'test/console', 'test/lint'),
    tier('integration', 'test/integration'),
    tier('e2e', 'test/e2e'),
    tier('browser', 'test/browser'),
    tier('races', 'test/races'),
    tier('security', 'test/security'),
  ],
  globalSetup: '<rootDir>/test/global-setup.mjs',
  testTimeout: 30000,
  maxWorkers: 2,
  // A worker that has run many files (each boots the whole platform) keeps growing; past this
  // it is replaced between files. Without it the last files of a CI run met a worker of 4+ GB
  // spending all its time collecting garbage, and the run never finished.
  workerIdleMemoryLimit: '1GB',
  // BullMQ and pg keep sockets that close a moment after app.close(); do not wait for them.
  forceExit: true,
};
