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

function limitsOf(from: Schema, into: Schema): Schema {
  const out: Schema = {};
  for (const k of LIMIT_KEYWORDS) {
    if (from[k] !== undefined && into[k] === undefined) out[k] = from[k];
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
