import { applyDecorators } from '@nestjs/common';

/**
 * One decorator made of several, applied as if written one above the other on the property
 * (bottom first, as TypeScript applies them): a field rule shared by several DTOs validates, and
 * lists its 400 messages, in the same order as when it was spelled out.
 */
export const Stacked = (...decorators: PropertyDecorator[]): PropertyDecorator =>
  applyDecorators(...[...decorators].reverse());
