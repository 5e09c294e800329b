import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor, UserRole } from '../actor.js';

export const ACCESS_KEY = 'reloop:access';
export type AccessRule = { public: true } | { roles: readonly UserRole[] | 'any' };

/** Anyone, without a token (login, register, the public market and passport). */
export const Public = () => SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule);
/** Only these roles; every route says who may call it (default deny). */
export const Roles = (...roles: UserRole[]) =>
  SetMetadata(ACCESS_KEY, { roles } satisfies AccessRule);
/** Any signed-in user; the handler then checks the object (not yours → 404). */
export const SignedIn = () => SetMetadata(ACCESS_KEY, { roles: 'any' } satisfies AccessRule);

export interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
  /** The session (refresh token family) of the access token, when it came from one. */
  sessionId?: string | null;
}

/** The signed-in actor (routes that are not @Public). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a route without authentication');
  return actor;
});

/** The actor when the request carried a valid token, else null (for @Public routes). */
export const OptionalActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor | null =>
    ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor ?? null,
);
