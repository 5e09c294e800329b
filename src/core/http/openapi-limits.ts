import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';

type Schema = Record<string, unknown> & { items?: Schema };

/** Where @nestjs/swagger keeps each `@ApiProperty` (its DECORATORS.API_MODEL_PROPERTIES). */
const API_PROPERTY = 'swagger/apiModelProperties';

/** The keywords that state a limit; the validators that enforce them are their source. */
const LIMIT_KEYWORDS = [
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'pattern',
  'format',
] as const;

const INT32_MAX = 2147483647;

/**
 * The longest string an anchored pattern accepts (`^\\d{6}$` → 6), or undefined when it has an
 * open-ended repetition (`+`, `*`, `{n,}`) or a construct this reader does not follow.
 */
export function patternMaxLength(pattern: string): number | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$'))
    return undefined;
  let i = 1;
  const end = pattern.length - 1;
  // Reads alternatives up to `)` or the end; returns the longest.
  const sequence = (): number | undefined => {
    let best = 0;
    let length = 0;
    while (i < end && pattern[i] !== ')') {
      if (pattern[i] === '|') {
        best = Math.max(best, length);
        length = 0;
        i++;
        continue;
      }
      let atom: number | undefined;
      const c = pattern[i];
      if (c === '\\') {
        atom = 1;
        i += 2;
      } else if (c === '[') {
        const close = pattern.indexOf(']', pattern[i + 1] === ']' ? i + 2 : i + 1);
        if (close < 0) return undefined;
        atom = 1;
        i = close + 1;
      } else if (c === '(') {
        i += pattern.startsWith('(?:', i) ? 3 : 1;
        atom = sequence();
        if (atom === undefined || pattern[i] !== ')') return undefined;
        i++;
      } else if ('*+?{}^$'.includes(c)) {
        return undefined;
      } else {
        atom = 1;
        i++;
      }
      const q = /^(\?|\{(\d+)\}|\{(\d+),(\d+)\})/.exec(pattern.slice(i));
      if (q) {
        i += q[0].length;
        atom *= q[1] === '?' ? 1 : Number(q[2] ?? q[4]);
      } else if (i < end && '*+{'.includes(pattern[i])) {
        return undefined;
      }
      length += atom;
    }
    return Math.max(best, length);
  };
  const max = sequence();
  return i === end ? max : undefined;
}

function limitsOf(from: Schema, into: Schema): Schema {
  const out: Schema = {};
  for (const k of LIMIT_KEYWORDS) {
    if (from[k] !== undefined && into[k] === undefined) out[k] = from[k];
  }
  if (from.maxLength === undefined && into.maxLength === undefined) {
    // A uuid or an anchored pattern bounds the length already; say it in numbers too.
    const pattern = (into.pattern ?? from.pattern) as string | undefined;
    const max = from.format === 'uuid' ? 36 : pattern ? patternMaxLength(pattern) : undefined;
    if (max !== undefined) out.maxLength = max;
  }
  // Integers say their width (OWASP API4): int32 when the bounds fit, else int64.
  if (from.type === 'integer' && from.format === undefined && into.format === undefined) {
    const fits = (v: unknown) => typeof v === 'number' && Math.abs(v) <= INT32_MAX;
    out.format = fits(from.minimum) && fits(from.maximum) ? 'int32' : 'int64';
  }
  return out;
}

/**
 * Copies the limits the request DTOs enforce (class-validator: `@MaxLength`, `@Max`,
 * `@ArrayMaxSize`, `@IsUUID`, `@Matches`…) into their `@ApiProperty` metadata before the
 * OpenAPI document is built, so the document — bodies and query parameters alike — states
 * exactly what validation refuses, without repeating each limit by hand. Call it once, before
 * `SwaggerModule.createDocument`.
 */
export function documentValidationLimits(): void {
  // class-validator keeps its metadata per class in a private map; this is the one reader.
  const targets = (
    getMetadataStorage() as unknown as { validationMetadatas: Map<new () => unknown, unknown> }
  ).validationMetadatas;
  if (!(targets instanceof Map)) return;
  for (const target of targets.keys()) {
    if (typeof target !== 'function') continue;
    const enforced = (targetConstructorToSchema(target).properties ?? {}) as Record<string, Schema>;
    for (const [prop, rule] of Object.entries(enforced)) {
      const documented = Reflect.getMetadata(API_PROPERTY, target.prototype as object, prop) as
        Schema | undefined;
      if (!documented) continue;
      const merged: Schema = { ...documented, ...limitsOf(rule, documented) };
      // Arrays: limits of each element (e.g. `@MaxLength(60, { each: true })`). Swagger keeps
      // an array property as `isArray` and moves string/number limits into its `items` itself.
      if (rule.items && (documented.isArray === true || Array.isArray(documented.type))) {
        if (typeof documented.items === 'object') {
          merged.items = { ...documented.items, ...limitsOf(rule.items, documented.items) };
        } else {
          Object.assign(merged, limitsOf(rule.items, merged));
        }
      }
      Reflect.defineMetadata(API_PROPERTY, merged, target.prototype as object, prop);
    }
  }
}
