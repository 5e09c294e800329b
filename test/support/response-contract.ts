import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

type Doc = {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components: Record<string, unknown>;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0's `nullable: true` as JSON Schema: the value may also be null, whatever the rest
 * says (`{ allOf: [$ref], nullable: true }` included), which Ajv's own `nullable` does not cover.
 */
export function asJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(asJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'nullable') continue;
    if (k === 'enum' && Array.isArray(v)) out[k] = v.filter((x) => x !== null);
    else out[k] = k === 'example' ? v : asJsonSchema(v);
  }
  return (schema as { nullable?: boolean }).nullable ? { anyOf: [out, { type: 'null' }] } : out;
}

/**
 * Issue 21, point 3: every answer the e2e suite sees is checked against the schema the OpenAPI
 * document declares for its route and status, so the document cannot drift from the code. The
 * check runs inside the server (an `onSend` hook), whatever client made the request; what does
 * not match is collected and fails the test file when its app closes.
 */
export function checkResponsesAgainstDocument(fastify: FastifyInstance) {
  const violations: string[] = [];
  let doc: Doc | undefined;
  const compiled = new Map<string, ValidateFunction | null>();
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('binary', true);

  const validatorFor = (path: string, method: string, status: number) => {
    const key = `${method} ${path} ${status}`;
    if (compiled.has(key)) return compiled.get(key);
    const responses = doc?.paths[path]?.[method]?.responses ?? {};
    let response = (responses[String(status)] ?? responses.default) as
      { $ref?: string; content?: Record<string, { schema?: object }> } | undefined;
    if (response?.$ref) {
      const name = response.$ref.split('/').pop() ?? '';
      response = (doc?.components.responses as Record<string, typeof response>)[name];
    }
    const schema = response?.content?.['application/json']?.schema;
    const validate = schema
      ? ajv.compile(asJsonSchema({ ...schema, components: doc?.components }) as object)
      : response
        ? null
        : undefined;
    compiled.set(key, validate ?? null);
    if (validate === undefined) violations.push(`${key}: status not declared in the document`);
    return validate ?? null;
  };

  fastify.addHook('onSend', async (req, reply, payload) => {
    const route = req.routeOptions.url;
    if (!doc || !route?.startsWith('/api/v1/')) return payload;
    const path = route.replace(/:(\w+)/g, '{$1}');
    const method = req.method.toLowerCase();
    if (!doc.paths[path]?.[method]) return payload; // mounted outside Nest (queue dashboard)
    try {
      const validate = validatorFor(path, method, reply.statusCode);
      const type = String(reply.getHeader('content-type') ?? '');
      if (!validate || !type.includes('json') || typeof payload !== 'string' || !payload) {
        return payload;
      }
      if (!validate(JSON.parse(payload))) {
        const e = validate.errors?.[0];
        violations.push(
          `${req.method} ${path} ${reply.statusCode}: ${e?.instancePath || '/'} ${e?.message ?? ''} ${
            e?.params ? JSON.stringify(e.params) : ''
          }`,
        );
      }
    } catch (err) {
      violations.push(`${req.method} ${path} ${reply.statusCode}: ${(err as Error).message}`);
    }
    return payload;
  });

  return {
    /** The served document; answers are checked from here on. */
    load(served: Doc) {
      doc = served;
    },
    /** Throws when any answer did not match its declared schema. */
    assertNone() {
      const unique = [...new Set(violations)];
      if (unique.length) {
        throw new Error(
          `Answers that do not match the OpenAPI document (${unique.length}):\n${unique.join('\n')}`,
        );
      }
    },
  };
}
