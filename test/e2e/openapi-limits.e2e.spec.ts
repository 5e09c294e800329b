import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Schema = {
  type?: string;
  $ref?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};
interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

/** Formats whose values are bounded by their shape. */
const BOUNDED_FORMATS = new Set(['uuid', 'date', 'date-time']);
/** A pattern bounds the length when it is anchored and has no open-ended repetition. */
const boundedPattern = (p: string) =>
  p.startsWith('^') && p.endsWith('$') && !/[+*]|\{\d+,\}/.test(p);

/**
 * Issue 21, point 2: every input the API takes is bounded — strings by length (or an enum, a
 * bounded format or pattern), arrays by count, numbers by range — and the document says so.
 * Read from the served document; the limits come from the validators that enforce them.
 */
describe('every input of the API is bounded, and the document says so', () => {
  let t: TestApp;
  let doc: {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.http.get('/api/docs-json').expect(200)).body as typeof doc;
  });
  afterAll(() => t?.close());

  function unbounded(s: Schema, where: string, seen: Set<string>): string[] {
    if (s.$ref) {
      const name = s.$ref.split('/').pop() ?? '';
      if (seen.has(name)) return [];
      seen.add(name);
      return unbounded(doc.components.schemas[name] ?? {}, name, seen);
    }
    const nested = [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? [])];
    if (nested.length) return nested.flatMap((n) => unbounded(n, where, seen));
    if (s.enum) return [];
    switch (s.type ?? 'object') {
      case 'string':
        if (s.maxLength !== undefined) return [];
        if (s.format && BOUNDED_FORMATS.has(s.format)) return [];
        if (s.pattern && boundedPattern(s.pattern)) return [];
        return [`${where}: string without maxLength`];
      case 'number':
      case 'integer':
        return s.minimum !== undefined && s.maximum !== undefined
          ? []
          : [`${where}: ${s.type} without minimum and maximum`];
      case 'array':
        return [
          ...(s.maxItems === undefined ? [`${where}: array without maxItems`] : []),
          ...(s.items ? unbounded(s.items, `${where}[]`, seen) : []),
        ];
      default:
        return Object.entries(s.properties ?? {}).flatMap(([k, v]) =>
          unbounded(v, `${where}.${k}`, seen),
        );
    }
  }

  it('bounds every request body and query parameter', () => {
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const at = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) {
          if (p.in !== 'query') continue;
          problems.push(...unbounded(p.schema ?? {}, `${at} ?${p.name}`, new Set()));
        }
        for (const media of Object.values(op.requestBody?.content ?? {})) {
          problems.push(...unbounded(media.schema ?? {}, `${at} body`, new Set()));
        }
      }
    }
    expect([...new Set(problems)].sort()).toEqual([]);
  });
});
