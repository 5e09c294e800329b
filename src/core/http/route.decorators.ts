import { applyDecorators, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import type { UserRole } from '../actor.js';
import { Roles } from './access.decorators.js';

/**
 * An action on a stateful object (`POST /things/:id/assign`): a POST that answers 200, for these
 * roles only. The same as `@Post(path) @HttpCode(200) @Roles(...roles)`; routes that take no
 * token or any signed-in user spell those out.
 */
export const Action = (path: string, ...roles: UserRole[]) =>
  applyDecorators(Post(path), HttpCode(200), Roles(...roles));

/** A path parameter that must be a UUID (400 otherwise): `@Param(name, ParseUUIDPipe)`. */
export const IdParam = (name = 'id') => Param(name, ParseUUIDPipe);
