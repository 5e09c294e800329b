import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ACCESS_KEY,
  type AccessRule,
  type AuthenticatedRequest,
} from '../core/http/access.decorators.js';
import { TokenService } from './token.service.js';
import { UserStateService } from './user-state.service.js';

/**
 * Default deny: a route without @Public, @Roles or @SignedIn is refused (and a test fails).
 * A bearer token, when present, is always verified, so public routes still know who asks; a
 * token of a disabled user, of an older token version or of an ended session is not accepted.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly userState: UserStateService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer) {
      const verified = this.tokens.verifyClaims(bearer);
      const valid = verified !== null && (await this.userState.stillValid(verified));
      if (!valid && !(rule && 'public' in rule)) {
        throw new UnauthorizedException('The access token is invalid or expired: log in again');
      }
      req.actor = valid ? verified.actor : undefined;
      req.sessionId = valid ? verified.sessionId : null;
    }
    if (!rule) throw new ForbiddenException('This route declares no access rule');
    if ('public' in rule) return true;
    if (!req.actor)
      throw new UnauthorizedException('Log in first: send Authorization: Bearer <token>');
    if (rule.roles === 'any' || rule.roles.includes(req.actor.role as never)) return true;
    throw new ForbiddenException(`This needs one of the roles: ${rule.roles.join(', ')}`);
  }
}
