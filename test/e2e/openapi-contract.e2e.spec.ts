import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Document, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { GENERATED } from '../../src/platform/openapi-operations.generated.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }>; $ref?: string }>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

const HTTP = new Set(['get', 'post', 'patch', 'put', 'delete']);

/**
 * OWASP API4 (unrestricted resource consumption) is about what clients send: its limit rules
 * hold for every parameter and request body. Answers are described by the handlers' types, and
 * no invented length is written on them (docs/decisions.md).
 */
const INPUT_LIMIT_RULES = new Set([
  'owasp:api4:2023-string-limit',
  'owasp:api4:2023-array-limit',
  'owasp:api4:2023-integer-format',
]);
const inAnswer = (path: Array<string | number>, answerSchemas: Set<string>) =>
  path.includes('responses') ||
  (path[0] === 'components' && path[1] === 'schemas' && answerSchemas.has(String(path[2])));

/** Writes that come before any session, or carry their own signature instead of a token. */
const ANONYMOUS_WRITES = new Set([
  '/api/v1/auth/register', // sign-up
  '/api/v1/auth/login',
  '/api/v1/auth/refresh', // the refresh token is the credential
  '/api/v1/auth/logout', // ends the refresh token's session
  '/api/v1/auth/password-reset/request',
  '/api/v1/auth/sign-up-codes', // sign-up: the number has no account yet
  '/api/v1/auth/password-reset/confirm', // the one-time code is the credential
  '/api/v1/certificates/verify', // anyone may check a certificate they were given
  '/api/v1/webhooks/inbound/{provider}', // signed by the payment provider
  '/api/v1/webhooks/inbound/carriers/{accountId}', // signed with the carrier account's secret
]);
const isAnonymousWrite = (path: Array<string | number>) =>
  path[0] === 'paths' && ANONYMOUS_WRITES.has(String(path[1]));

/**
 * Issue 21, points 1 and 3: the document is tested, not trusted. Every operation has an id, a
 * summary, a tag, its security and its answers; the response schemas are the handlers' own
 * return types (generated, and the generated file must be current); Spectral's OAS and OWASP
 * API Security Top 10 rulesets find no error in it.
 */
describe('the OpenAPI document is complete and lint-clean', () => {
  let t: TestApp;
  let doc: Doc;
  const operations: Array<[string, Operation]> = [];
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http.get('/api/docs-json').expect(200)).body as Doc;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (HTTP.has(method)) operations.push([`${method.toUpperCase()} ${path}`, op]);
      }
    }
  });
  afterAll(() => t?.close());

  it('declares an id, a summary, a tag, security and a 2xx and 4xx answer for every operation', () => {
    expect(operations.length).toBeGreaterThan(150);
    const problems: string[] = [];
    for (const [at, op] of operations) {
      if (!op.operationId || !GENERATED.operations[op.operationId]) {
        problems.push(`${at}: not in openapi-operations.generated.ts`);
      }
      if (!op.summary) problems.push(`${at}: no summary`);
      if (!op.tags?.length) problems.push(`${at}: no tag`);
      if (!Array.isArray(op.security)) problems.push(`${at}: no security requirement`);
      const codes = Object.keys(op.responses);
      if (!codes.some((c) => c.startsWith('2'))) problems.push(`${at}: no 2xx answer`);
      if (!codes.some((c) => c.startsWith('4'))) problems.push(`${at}: no 4xx answer`);
    }
    expect(problems).toEqual([]);
  });

  it('uses the generated response schemas unchanged (no request DTO shadows one)', () => {
    for (const [name, schema] of Object.entries(GENERATED.schemas)) {
      expect([name, doc.components.schemas[name]]).toEqual([name, schema]);
    }
  });

  it('keeps the trade-in pickup address apart from the shipping address (one schema per class name)', () => {
    const props = (name: string) =>
      Object.keys((doc.components.schemas[name] as { properties: object }).properties);
    expect(props('AddressDto')).not.toContain('lat');
    expect(props('PickupAddressDto')).toEqual(expect.arrayContaining(['lat', 'lng', 'line1']));
    const tradeIn = doc.components.schemas.CreateTradeInDto as { properties: { address: unknown } };
    expect(JSON.stringify(tradeIn.properties.address)).toContain(
      '"#/components/schemas/PickupAddressDto"',
    );
  });

  it('keeps the generated response schemas current with the code', async () => {
    const script = await import('../../scripts/openapi-operations.mjs');
    const current = readFileSync(
      new URL('../../src/platform/openapi-operations.generated.ts', import.meta.url),
      'utf8',
    );
    // Stale: run `node scripts/openapi-operations.mjs` and commit the file.
    expect(script.generate() === current).toBe(true);
  }, 180_000);

  it('keeps the console client (console/src/api/schema.generated.ts) current with the document', async () => {
    const client = await import('../../scripts/console-client.mjs');
    const checkedIn = readFileSync(client.OUT, 'utf8');
    const current = await client.render(doc);
    if (current !== checkedIn) {
      const want = current.split('\n');
      const have = checkedIn.split('\n');
      const line = want.findIndex((l, i) => l !== have[i]);
      throw new Error(
        'console/src/api/schema.generated.ts is stale: run `npm run console:client` and commit it' +
          ` (line ${line + 1}: expected ${JSON.stringify(want[line])}, found ${JSON.stringify(have[line])})`,
      );
    }
  }, 120_000);

  it('passes Spectral with the OAS and OWASP API Security Top 10 rulesets (no errors)', async () => {
    // The OWASP ruleset ships as CommonJS.
    const require = createRequire(import.meta.url);
    const owasp = require('@stoplight/spectral-owasp-ruleset') as { default?: unknown };
    const spectral = new Spectral();
    spectral.setRuleset({
      extends: [[oas as never, 'recommended'], (owasp.default ?? owasp) as never],
    });
    const results = await spectral.run(new Document(JSON.stringify(doc), Json));
    const answerSchemas = new Set(Object.keys(GENERATED.schemas));
    const errors = results
      .filter((r) => Number(r.severity) === 0) // errors only (DiagnosticSeverity.Error)
      .filter((r) => !(INPUT_LIMIT_RULES.has(String(r.code)) && inAnswer(r.path, answerSchemas)))
      .filter(
        (r) => !(String(r.code) === 'owasp:api2:2023-write-restricted' && isAnonymousWrite(r.path)),
      )
      .map((r) => `${r.code} ${r.path.join('.')}: ${r.message}`);
    expect(errors).toEqual([]);
  }, 120_000);
});
