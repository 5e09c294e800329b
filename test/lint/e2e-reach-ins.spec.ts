// The e2e tier is the platform as its users reach it: over HTTP (issue 20 point 5). Many e2e files
// still reach past HTTP into the app's services or the database. This ratchet counts those places
// per file and fails when a file's count rises above the table below. Lowering a number (or
// removing a file's row once it reaches 0) is always allowed; raising one is not: assert through
// an HTTP read instead, or move a test whose subject is a service or a job handler to
// test/integration. See docs/architecture.md ("Tests") and docs/decisions.md.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = join(import.meta.dirname, '..', '..');
const e2eDir = join(root, 'test', 'e2e');

/**
 * Reach-ins per e2e file, at most. A file missing here may have none. Lower a number when you
 * remove reach-ins (the failure message prints the current counts); never raise one.
 */
const ALLOWED: Record<string, number> = {
  'acquisition.e2e.spec.ts': 6,
  'console-endpoints.e2e.spec.ts': 26,
  'courier-day.e2e.spec.ts': 10,
  'credentials.e2e.spec.ts': 8,
  'demo-prices.e2e.spec.ts': 7,
  'erasure-gates.e2e.spec.ts': 24,
  'erasure-station.e2e.spec.ts': 8,
  'erasure.e2e.spec.ts': 18,
  'first-contact.e2e.spec.ts': 1,
  'grading.e2e.spec.ts': 23,
  'idempotency.e2e.spec.ts': 1,
  'logistics.e2e.spec.ts': 21,
  'metrics.e2e.spec.ts': 12,
  'money.e2e.spec.ts': 6,
  'notifications.e2e.spec.ts': 9,
  'ownership.e2e.spec.ts': 4,
  'pagination.e2e.spec.ts': 5,
  'photos-attached.e2e.spec.ts': 10,
  'photos-s3.e2e.spec.ts': 1,
  'photos.e2e.spec.ts': 5,
  'read-replica.e2e.spec.ts': 14,
  'reconciliation.e2e.spec.ts': 10,
  'recycling.e2e.spec.ts': 15,
  'redis-cluster.e2e.spec.ts': 7,
  'refurbishment.e2e.spec.ts': 23,
  'resale.e2e.spec.ts': 13,
  'service-areas.e2e.spec.ts': 2,
  'sessions.e2e.spec.ts': 6,
  'sign-up-codes.e2e.spec.ts': 4,
  'startup.e2e.spec.ts': 3,
  'support.e2e.spec.ts': 19,
  'tracking.e2e.spec.ts': 22,
  'valuation-sales-import.e2e.spec.ts': 6,
  'valuation-variants.e2e.spec.ts': 9,
  'vehicles.e2e.spec.ts': 24,
  'webhooks.e2e.spec.ts': 11,
  'wechatpay.e2e.spec.ts': 9,
};

/** A line reaching into the running app or its database (one count per line). */
const REACH_IN_LINE: readonly RegExp[] = [
  /\bapp\.get\((?!Clock\))/, // a provider of the app (setting the Clock is allowed)
  /\.getRepository\(/,
  /\.query\((?!\s*[{a-z])/, // SQL; supertest's `.query({ … })` / `.query(params)` is a query string
  /\.query</, // SQL with a row type (supertest's `.query` takes none)
  /\b(?:dataSource|DataSource)\b/,
  /\.manager\b/,
  /\.transaction\(/,
  /\bEntityManager\b/,
];

/**
 * Imports from src/ that are not reach-ins: the clock, DTOs, pure engines (a test computes an
 * expected value with them) and the demo reference data they take.
 */
const ALLOWED_SRC_IMPORT: readonly RegExp[] = [
  /^core\/clock\.js$/,
  /\.dto\.js$/,
  /(?:^|\/)engine\//,
  // A shaped stage's pure rules live in domain/ (its machines too, which still count).
  /(?:^|\/)domain\/(?![\w-]+\.machine\.js$)/,
  /^catalog\/standards\/(?:grade-engine|demo-standards)\.js$/,
  /\.generated\.js$/,
  /(?:^|\/)data\/demo-[\w-]+\.js$/,
];

/** The 1-based line numbers of a file's reach-ins: matching lines and value imports from src/. */
export function reachIns(source: string): number[] {
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  const flagged = new Set<number>();
  const inImport = new Set<number>();
  const importRe = /^import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)';/gm;
  for (const m of source.matchAll(importRe)) {
    const [statement, typeOnly, clause, from] = m;
    const line = lineOf(m.index + statement.length);
    for (let l = lineOf(m.index); l <= line; l++) inImport.add(l);
    const names = /\{([\s\S]*)\}/.exec(clause)?.[1];
    const allTypes =
      !!typeOnly ||
      (names !== undefined &&
        !/^\s*\w/.test(clause.replace(/\{[\s\S]*\}/, '')) &&
        names
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
          .every((n) => n.startsWith('type ')));
    if (allTypes) continue;
    if (/\bDataSource\b|\bEntityManager\b/.test(clause) && from === 'typeorm') {
      flagged.add(line);
      continue;
    }
    const src = /^(?:\.\.\/)+src\/(.+)$/.exec(from)?.[1];
    if (src && !ALLOWED_SRC_IMPORT.some((re) => re.test(src))) flagged.add(line);
  }
  source.split('\n').forEach((line, i) => {
    if (inImport.has(i + 1) || /^\s*(?:\/\/|\*|\/\*)/.test(line)) return; // imports, comments
    if (REACH_IN_LINE.some((re) => re.test(line))) flagged.add(i + 1);
  });
  return [...flagged].sort((a, b) => a - b);
}

const e2eFiles = () =>
  readdirSync(e2eDir)
    .filter((f) => f.endsWith('.spec.ts'))
    .sort();

describe('e2e reach-ins into services and the database (ratchet)', () => {
  it('counts service lookups, SQL, repositories and value imports from src/', () => {
    const sample = [
      "import { ItemsService } from '../../src/core/items/items.service.js';",
      "import type { Item } from '../../src/core/items/item.entity.js';",
      "import { type Actor } from '../../src/core/actor.js';",
      "import { Clock } from '../../src/core/clock.js';",
      "import { DataSource } from 'typeorm';",
      'const items = t.app.get(ItemsService);',
      't.app.get(Clock).now = () => new Date();',
      "await t.dataSource.query('SELECT 1');",
      'const rows = await t.dataSource.getRepository(Item).find();',
      "await t.http.get('/api/v1/items').query({ state: 'RECEIVED' }).expect(200);",
      '// t.app.get(ItemsService) in a comment',
    ].join('\n');
    expect(reachIns(sample)).toEqual([1, 5, 6, 8, 9]);
  });

  it('no e2e file reaches in more often than its recorded number', () => {
    const counts = Object.fromEntries(
      e2eFiles().map((f) => [f, reachIns(readFileSync(join(e2eDir, f), 'utf8')).length]),
    );
    const over = Object.entries(counts)
      .filter(([f, n]) => n > (ALLOWED[f] ?? 0))
      .map(([f, n]) => `${f}: ${n} (allowed ${ALLOWED[f] ?? 0})`);
    const current = Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([f, n]) => `  '${f}': ${n},`)
      .join('\n');
    expect({ over, current: over.length ? current : '' }).toEqual({ over: [], current: '' });
  });

  it('lists no file that no longer exists', () => {
    const files = new Set(e2eFiles());
    expect(Object.keys(ALLOWED).filter((f) => !files.has(f))).toEqual([]);
  });
});
