import type { OpenAPIObject } from '@nestjs/swagger';
import { CARRIES_SECRETS } from '../core/idempotency/idempotency.interceptor.js';
import { GENERATED } from './openapi-operations.generated.js';

export type Schema = { [keyword: string]: unknown };

/** What scripts/openapi-operations.mjs reads off each route's handler. */
export interface OperationMeta {
  summary: string;
  description?: string;
  /**
   * The access guard's rule: public, any signed-in user, or the roles named; `station`: no
   * token, the request is signed by a registered wiping station instead.
   */
  access: 'public' | 'signed-in' | 'station' | readonly string[];
  /** Path parameters `ParseUUIDPipe` checks. */
  uuidParams?: readonly string[];
  /** A file answer (PDF, PNG, SVG) instead of JSON. */
  produces?: string;
  /** The JSON Schema of the 2xx body, from the handler's return type; absent: no body. */
  schema?: Schema;
}
export interface OperationsMeta {
  operations: Record<string, OperationMeta>;
  schemas: Record<string, Schema>;
}

type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<Record<string, unknown>>;
  requestBody?: unknown;
  responses: Record<string, Record<string, unknown>>;
  /** Who may call it, machine-readable (the access matrix test reads it): see OperationMeta. */
  'x-access'?: OperationMeta['access'];
};

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

const ERROR_FIELDS: Record<string, Schema> = {
  statusCode: { type: 'integer', format: 'int32', minimum: 400, maximum: 599 },
  error: { type: 'string', maxLength: 100 },
  code: {
    type: 'string',
    maxLength: 100,
    description: 'Stable reason to translate (not_found, state_conflict, invalid_input…)',
  },
  message: { type: 'string', maxLength: 2000, description: 'English, for people and logs' },
};

/** The fields at fault, each with its messages (400s, and a 409 for a clashing value). */
const ERROR_FIELD_LIST: Schema = {
  type: 'array',
  maxItems: 1000,
  items: {
    type: 'object',
    required: ['field', 'errors'],
    properties: {
      field: { type: 'string', maxLength: 500 },
      errors: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 500 } },
    },
  },
};

/** The error body (spec §5), one schema per variant. */
const ERROR_SCHEMAS: Record<string, Schema> = {
  Error: { type: 'object', required: Object.keys(ERROR_FIELDS), properties: ERROR_FIELDS },
  ValidationError: {
    type: 'object',
    required: Object.keys(ERROR_FIELDS),
    properties: {
      ...ERROR_FIELDS,
      fields: ERROR_FIELD_LIST,
    },
  },
  ConflictError: {
    type: 'object',
    required: Object.keys(ERROR_FIELDS),
    description:
      'Every 409 has this one shape (ConflictBody in src/core/errors.ts). A refusal about an ' +
      "object's state names the entity, its state and version and the actions allowed now; a " +
      'value that clashes with a stored one is named in `fields`; other facts are in `details`',
    properties: {
      ...ERROR_FIELDS,
      entity: { type: 'string', maxLength: 100 },
      state: { type: 'string', maxLength: 100 },
      version: { type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 },
      allowedActions: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 100 } },
      fields: ERROR_FIELD_LIST,
      details: {
        type: 'object',
        additionalProperties: true,
        description: 'Other facts about the refusal (a limit, a reason, another record)',
      },
    },
  },
};

const RATE_HEADERS = {
  'X-RateLimit-Limit': 'Requests allowed in the current minute',
  'X-RateLimit-Remaining': 'Requests left in the current minute',
  'X-RateLimit-Reset': 'Seconds until the minute restarts',
};
const RETRY_AFTER = 'Retry-After';
const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
const integerHeader = (description: string) => ({
  description,
  schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 2147483647 },
});
/** Headers on every answer: the rate limit, and CORS for the origins in CORS_ORIGINS. */
const rateHeaders = () =>
  Object.fromEntries(
    [...Object.keys(RATE_HEADERS), ALLOW_ORIGIN].map((h) => [h, ref('headers', h)]),
  );

const errorResponse = (description: string, schema: string, retry = false) => ({
  description,
  headers: { ...rateHeaders(), ...(retry ? { [RETRY_AFTER]: ref('headers', RETRY_AFTER) } : {}) },
  content: { 'application/json': { schema: ref('schemas', schema) } },
});

const RESPONSES = {
  BadRequest: errorResponse('Invalid input: `fields` names each field at fault', 'ValidationError'),
  Unauthorized: errorResponse('Not signed in, or the token expired', 'Error'),
  Forbidden: errorResponse('This role (or station) may not use this route', 'Error'),
  TooLarge: errorResponse('The body is larger than the route accepts', 'Error'),
  UnsupportedMediaType: errorResponse('The body is not in a type the route accepts', 'Error'),
  NotFound: errorResponse('No such object, or not yours (ids do not leak)', 'Error'),
  Conflict: errorResponse('The state or version changed, or it already exists', 'ConflictError'),
  Unprocessable: errorResponse(
    'This Idempotency-Key was already used with a different request',
    'Error',
  ),
  TooManyRequests: errorResponse('Too many requests: wait `Retry-After` seconds', 'Error', true),
  Unavailable: errorResponse('The database is unavailable for a moment: retry', 'Error', true),
};

/**
 * Wiping stations sign each request with their Ed25519 key (src/erasure/station-registry.ts);
 * the signature header is the credential, beside Reloop-Station and Reloop-Timestamp.
 */
const STATION_SCHEME = {
  type: 'apiKey',
  in: 'header',
  name: 'Reloop-Signature',
  description:
    'base64url Ed25519 signature, by the station named in Reloop-Station, over ' +
    '"reloop-station-request-v1\\n<METHOD>\\n<path>\\n<Reloop-Timestamp>\\n<sha256 hex of the raw body>" ' +
    '(docs/erasure.md)',
};

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Retrying a POST with the same key answers the first result and creates nothing new (24 h)',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]{1,255}$' },
};

const SUCCESS = { get: '200', post: '201', patch: '200', put: '200', delete: '200' } as const;

/**
 * Completes the document Nest builds from the request DTOs with what the handlers declare by
 * their code: a summary, the access rule as a security requirement, the 2xx body from the
 * handler's return type (generated, see scripts/openapi-operations.mjs), the error answers each
 * route can give, the rate-limit headers and the `Idempotency-Key` header on creating POSTs.
 */
export function completeDocument(document: OpenAPIObject, meta: OperationsMeta = GENERATED) {
  const components = (document.components ??= {}) as Record<string, Record<string, unknown>>;
  components.schemas = { ...meta.schemas, ...ERROR_SCHEMAS, ...(components.schemas ?? {}) };
  components.securitySchemes = { ...(components.securitySchemes ?? {}), station: STATION_SCHEME };
  components.responses = { ...RESPONSES };
  components.parameters = { IdempotencyKey: IDEMPOTENCY_KEY };
  components.headers = {
    ...Object.fromEntries(Object.entries(RATE_HEADERS).map(([h, d]) => [h, integerHeader(d)])),
    [RETRY_AFTER]: integerHeader('Seconds to wait before retrying'),
    [ALLOW_ORIGIN]: {
      description: "The request's Origin, when it is one of CORS_ORIGINS (the console's sites)",
      schema: { type: 'string', maxLength: 2000 },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item as Record<string, unknown>)) {
      if (!(method in SUCCESS)) continue;
      const op = value as Operation;
      const found = op.operationId ? meta.operations[op.operationId] : undefined;
      if (!found) continue; // a test asserts every operation is found
      complete(op, found, path, method as keyof typeof SUCCESS);
    }
  }
  return document;
}

function complete(op: Operation, meta: OperationMeta, path: string, method: keyof typeof SUCCESS) {
  op.summary ??= meta.summary;
  const who =
    meta.access === 'public'
      ? 'Public: no token needed.'
      : meta.access === 'signed-in'
        ? 'Any signed-in user (each sees only their own objects).'
        : meta.access === 'station'
          ? 'A registered wiping station, by its signature (no user token).'
          : `Roles: ${meta.access.join(', ')}.`;
  op.description = [meta.description ?? op.description, who].filter(Boolean).join('\n\n');
  op.security =
    meta.access === 'public' ? [] : [meta.access === 'station' ? { station: [] } : { bearer: [] }];
  op['x-access'] = meta.access;

  const status = Object.keys(op.responses).find((s) => s.startsWith('2')) ?? SUCCESS[method];
  const content = meta.produces
    ? { [meta.produces]: { schema: meta.schema ?? { type: 'string', format: 'binary' } } }
    : meta.schema
      ? { 'application/json': { schema: meta.schema } }
      : undefined;
  op.responses[status] = {
    ...op.responses[status],
    description: op.responses[status]?.description || 'Success',
    headers: rateHeaders(),
    ...(content ? { content } : {}),
  };
  // Every route can refuse a signature or token (401: public webhooks and login too), a role or
  // a revoked station (403), and name an id — in the path or the body — that is not there (404).
  const errors: Array<[string, string]> = [
    ['401', 'Unauthorized'],
    ['403', 'Forbidden'],
    ['404', 'NotFound'],
  ];
  if (op.parameters?.length || op.requestBody || method !== 'get')
    errors.push(['400', 'BadRequest']);
  if (op.requestBody) errors.push(['413', 'TooLarge'], ['415', 'UnsupportedMediaType']);
  if (method !== 'get') errors.push(['409', 'Conflict']);
  errors.push(['429', 'TooManyRequests'], ['503', 'Unavailable']);
  for (const [code, name] of errors) op.responses[code] ??= ref('responses', name);

  for (const p of op.parameters ?? []) {
    const schema = p.schema as Schema | undefined;
    if (p.in !== 'path' || !schema || schema.type !== 'string') continue;
    if (meta.uuidParams?.includes(p.name as string)) schema.format = 'uuid';
    // Fastify's router refuses longer path parameters (maxParamLength) before any handler.
    schema.maxLength ??= schema.format === 'uuid' ? 36 : 100;
  }
  // A POST takes an Idempotency-Key, except where the answer carries tokens (never replayed);
  // the same key with another request is refused (422).
  if (method === 'post' && !CARRIES_SECRETS.test(path)) {
    op.parameters = [...(op.parameters ?? []), ref('parameters', 'IdempotencyKey')];
    op.responses['422'] ??= ref('responses', 'Unprocessable');
  }
}
