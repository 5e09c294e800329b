import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/**
 * Bounds of the 400 body the OpenAPI document declares (ValidationError): a client's unknown
 * keys are echoed back, so a fuzzed or hostile key must not make the answer unbounded.
 */
const MAX_FIELD = 200;
const MAX_ERROR = 500;
const MAX_FIELDS = 1000;
const MAX_ERRORS = 100;
export const MAX_MESSAGE = 2000;

/** The text cut to `max` characters, ending in an ellipsis when it was longer. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function flatten(
  errors: ValidationError[],
  parent = '',
): Array<{ field: string; errors: string[] }> {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints
      ? [
          {
            field: clip(field, MAX_FIELD),
            errors: Object.values(e.constraints)
              .slice(0, MAX_ERRORS)
              .map((m) => clip(m, MAX_ERROR)),
          },
        ]
      : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Global validation: unknown fields are refused, and the error names every field at fault. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors).slice(0, MAX_FIELDS);
      return new BadRequestException({
        message: clip(`Invalid input: ${fields.map((f) => f.field).join(', ')}`, MAX_MESSAGE),
        fields,
      });
    },
  });
}
