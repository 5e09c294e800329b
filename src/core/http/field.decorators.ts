import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

/**
 * One decorator made of several, applied as if written one above the other on the property
 * (bottom first, as TypeScript applies them): a field rule shared by several DTOs validates, and
 * lists its 400 messages, in the same order as when it was spelled out.
 */
export const Stacked = (...decorators: PropertyDecorator[]): PropertyDecorator =>
  applyDecorators(...[...decorators].reverse());

/*
 * Field decorators: one per kind of request field, each the OpenAPI property and its validators
 * together, so a DTO field reads as one line of intent. What a field takes besides its rule
 * (description, example, default…) goes to its OpenAPI property as given; the limits its
 * validators enforce (lengths, bounds, item counts, uuid format) are written into the document
 * from the validators themselves (openapi-limits.ts), so they are stated once, here.
 * Each stack keeps the order the DTOs spelled it in: class-validator lists a field's 400
 * messages in that order.
 */

/** What every field takes: its OpenAPI words, and `optional` for a field that may be left out. */
export type FieldOptions = ApiPropertyOptions & { optional?: boolean };

/** The OpenAPI property (with `schema` first), then `@IsOptional()` when the field may be absent. */
function property(
  { optional, ...doc }: FieldOptions,
  schema: ApiPropertyOptions = {},
): PropertyDecorator[] {
  const options = { ...schema, ...doc } as ApiPropertyOptions;
  return optional ? [ApiPropertyOptional(options), IsOptional()] : [ApiProperty(options)];
}

/**
 * A text's length: `length: [min, max]` (one message naming both bounds, `@Length`) or
 * `minLength` / `maxLength` (a message each). `each` applies it to every item of a list.
 */
interface TextLength {
  length?: [number, number];
  minLength?: number;
  maxLength?: number;
}

function lengthRules({ length, minLength, maxLength }: TextLength, each?: true) {
  const options = each ? { each } : undefined;
  if (length) return [Length(length[0], length[1], options)];
  return [
    ...(minLength === undefined ? [] : [MinLength(minLength, options)]),
    ...(maxLength === undefined ? [] : [MaxLength(maxLength, options)]),
  ];
}

/** A list's size: `minItems` (when it may not be empty) and `maxItems`. */
interface ListSize {
  minItems?: number;
  maxItems: number;
}

const sizeRules = ({ minItems, maxItems }: ListSize) => [
  ...(minItems === undefined ? [] : [ArrayMinSize(minItems)]),
  ArrayMaxSize(maxItems),
];

/** Free text within length bounds. */
export const TextField = ({
  length,
  minLength,
  maxLength,
  ...options
}: FieldOptions & TextLength = {}) =>
  Stacked(...property(options), IsString(), ...lengthRules({ length, minLength, maxLength }));

/** A list of texts, each within length bounds. */
export const TextListField = ({
  length,
  minLength,
  maxLength,
  minItems,
  maxItems,
  ...options
}: FieldOptions & TextLength & ListSize) =>
  Stacked(
    ...property(options, { type: [String] }),
    IsArray(),
    ...sizeRules({ minItems, maxItems }),
    IsString({ each: true }),
    ...lengthRules({ length, minLength, maxLength }, true),
  );

/** Text matching a pattern (a code, a number as printed), with the message to give otherwise. */
export const PatternField = (
  pattern: RegExp,
  { message, maxLength, ...options }: FieldOptions & { message?: string; maxLength?: number } = {},
) =>
  Stacked(
    ...property(options),
    message ? Matches(pattern, { message }) : Matches(pattern),
    ...(maxLength === undefined ? [] : [MaxLength(maxLength)]),
  );

/** An e-mail address, at most 254 characters (the longest a mail server takes). */
export const EmailField = (options: FieldOptions = {}) =>
  Stacked(...property(options), IsEmail(), MaxLength(254));

/** A UUID (any version). */
export const UuidField = (options: FieldOptions = {}) =>
  Stacked(...property(options, { format: 'uuid' }), IsUUID());

/** A list of UUIDs (any version). */
export const UuidListField = ({ minItems, maxItems, ...options }: FieldOptions & ListSize) =>
  Stacked(
    ...property(options, { type: [String], format: 'uuid' }),
    IsArray(),
    ...sizeRules({ minItems, maxItems }),
    IsUUID('all', { each: true }),
  );

/**
 * Bounds of a number; `coerce` for one that arrives as text (a query parameter), converted to a
 * number before it is checked.
 */
interface NumberBounds {
  min: number;
  max: number;
  coerce?: boolean;
}

/** A whole number within bounds. */
export const IntField = ({ min, max, coerce, ...options }: FieldOptions & NumberBounds) =>
  Stacked(
    ...property(options),
    ...(coerce ? [Type(() => Number)] : []),
    IsInt(),
    Min(min),
    Max(max),
  );

/** A finite number (fractions allowed) within bounds. */
export const NumberField = ({
  min,
  max,
  ...options
}: FieldOptions & Omit<NumberBounds, 'coerce'>) =>
  Stacked(
    ...property(options),
    IsNumber({ allowNaN: false, allowInfinity: false }),
    Min(min),
    Max(max),
  );

/** 'true' and 'false' as a query string writes them become booleans; anything else stays. */
const queryBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

/** true or false; `coerce` for a query parameter, where they arrive as the words 'true', 'false'. */
export const BooleanField = ({ coerce, ...options }: FieldOptions & { coerce?: boolean } = {}) =>
  Stacked(...property(options), ...(coerce ? [Transform(queryBoolean)] : []), IsBoolean());

/** One of a fixed list of values (an enum in the document). */
export const OneOfField = (values: readonly (string | number)[], options: FieldOptions = {}) =>
  Stacked(...property(options, { enum: values as (string | number)[] }), IsIn(values));

/** A JSON object, checked further by the service (answers, definitions, free details). */
export const ObjectField = (options: FieldOptions = {}) =>
  Stacked(...property(options), IsObject());

/** A date or date-time in strict ISO 8601, at most 40 characters, kept as text. */
export const IsoDateTimeField = (options: FieldOptions = {}) =>
  Stacked(...property(options), IsISO8601({ strict: true }), MaxLength(40));

/** A calendar day in strict ISO 8601 (YYYY-MM-DD), kept as text. */
export const IsoDayField = (options: FieldOptions = {}) =>
  Stacked(...property(options), IsISO8601({ strict: true }), Length(10, 10));

/** A nested object of the given DTO, validated by its own rules. */
export const NestedField = (dto: new () => object, options: FieldOptions = {}) =>
  Stacked(
    ...property(options, { type: dto }),
    ValidateNested(),
    Type(() => dto),
  );

/** A list of the given DTO, each validated by its rules. */
export const NestedListField = (
  dto: new () => object,
  { minItems, maxItems, ...options }: FieldOptions & ListSize,
) =>
  Stacked(
    ...property(options, { type: [dto] }),
    ValidateNested({ each: true }),
    Type(() => dto),
    ...sizeRules({ minItems, maxItems }),
  );
