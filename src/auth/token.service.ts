import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { USER_ROLES, type Actor, type UserRole } from '../core/actor.js';

interface AccessClaims {
  sub: string;
  role: UserRole;
  org: string | null;
  /** The user's token version when issued: raised on disable and password change/reset. */
  ver?: number;
  /** The session (refresh token family) the token belongs to, when it came from one. */
  sid?: string;
}

/** What a valid access token says. */
export interface VerifiedToken {
  actor: Actor;
  tokenVersion: number;
  sessionId: string | null;
}

/** Short-lived HS256 access tokens, checked for signature, algorithm, expiry, issuer, audience. */
@Injectable()
export class TokenService {
  private readonly jwt: JwtService;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    // A KeyObject, made once: given a string, jsonwebtoken first tries to parse it as a public
    // key on every verification and throws — several per cent of the API's CPU when profiled.
    const key = createSecretKey(Buffer.from(config.jwt.secret));
    this.jwt = new JwtService({ secretOrKeyProvider: () => key });
  }

  issue(
    user: { id: string; role: UserRole; organisationId: string | null; tokenVersion?: number },
    sessionId?: string,
  ): {
    accessToken: string;
    tokenType: 'Bearer';
    expiresIn: number;
  } {
    const claims: AccessClaims = {
      sub: user.id,
      role: user.role,
      org: user.organisationId,
      ver: user.tokenVersion ?? 0,
      ...(sessionId ? { sid: sessionId } : {}),
    };
    const accessToken = this.jwt.sign(claims, {
      algorithm: 'HS256',
      expiresIn: this.config.jwt.ttlSeconds,
      issuer: this.config.jwt.issuer,
      audience: this.config.jwt.audience,
    });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwt.ttlSeconds };
  }

  /** The actor a token stands for, or null when it is not one of ours and valid now. */
  verify(token: string): Actor | null {
    return this.verifyClaims(token)?.actor ?? null;
  }

  /** The actor, token version and session of a token that is ours and unexpired, or null. */
  verifyClaims(token: string): VerifiedToken | null {
    try {
      const claims = this.jwt.verify<AccessClaims & object>(token, {
        algorithms: ['HS256'],
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
      });
      if (typeof claims.sub !== 'string' || !USER_ROLES.includes(claims.role)) return null;
      return {
        actor: { role: claims.role, userId: claims.sub, organisationId: claims.org ?? null },
        tokenVersion: typeof claims.ver === 'number' ? claims.ver : 0,
        sessionId: typeof claims.sid === 'string' ? claims.sid : null,
      };
    } catch {
      return null;
    }
  }
}
