import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_KEY, type AccessRule, type AuthenticatedRequest } from './access.decorators.js';
import { TokenService } from './token.service.js';

/**
 * Default deny: a route without @Public, @Roles or @SignedIn is refused (and a test fails).
 * A bearer token, when present, is always verified, so public routes still know who asks.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer) {
      const actor = this.tokens.verify(bearer);
      if (!actor && !(rule && 'public' in rule)) {
        throw new UnauthorizedException('The access token is invalid or expired: log in again');
      }
      req.actor = actor ?? undefined;
    }
    if (!rule) throw new ForbiddenException('This route declares no access rule');
    if ('public' in rule) return true;
    if (!req.actor)
      throw new UnauthorizedException('Log in first: send Authorization: Bearer <token>');
    if (rule.roles === 'any' || rule.roles.includes(req.actor.role as never)) return true;
    throw new ForbiddenException(`This needs one of the roles: ${rule.roles.join(', ')}`);
  }
}
