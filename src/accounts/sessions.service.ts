import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { TokenService } from '../auth/token.service.js';
import { UserStateService } from '../auth/user-state.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { UserRole } from '../core/actor.js';
import { RefreshTokenRepository } from './data/refresh-token.repository.js';

/** An access token and the refresh token that renews it. */
export interface SessionTokens {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  /** Seconds until the session itself ends (a new login is needed then). */
  refreshExpiresIn: number;
}

interface SessionUser {
  id: string;
  role: UserRole;
  organisationId: string | null;
  tokenVersion: number;
}

const INVALID = 'The refresh token is invalid or expired: log in again';

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Sessions that last a shift: a login starts a family of refresh tokens, valid for
 * REFRESH_TOKEN_TTL_SECONDS from the login. Each refresh rotates the token (the old one is
 * marked rotated, a new one of the same family is issued); only SHA-256 hashes are stored.
 * A rotated token presented again means it was copied: the whole family is revoked, and the
 * access tokens of that session stop working too.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly userState: UserStateService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  /** A new session (family) for a user who just proved who they are. */
  async start(user: SessionUser, manager?: EntityManager): Promise<SessionTokens> {
    const familyId = randomUUID();
    const refreshToken = newToken();
    const ttl = this.config.sessions.refreshTtlSeconds;
    await this.refreshTokens.insertFirst(
      user.id,
      familyId,
      hashRefreshToken(refreshToken),
      ttl,
      manager,
    );
    return { ...this.tokens.issue(user, familyId), refreshToken, refreshExpiresIn: ttl };
  }

  /** Rotates a refresh token: a new access token and a new refresh token of the same family. */
  async refresh(refreshToken: string): Promise<SessionTokens> {
    const outcome = await this.dataSource.transaction(async (m) => {
      const row = await this.refreshTokens.lockByHash(m, hashRefreshToken(refreshToken));
      if (!row || row.revoked_at) return { kind: 'invalid' as const };
      if (row.rotated_at) {
        await this.refreshTokens.revokeFamilies([row.family_id], 'reuse', m);
        return { kind: 'reused' as const, familyId: row.family_id };
      }
      if (row.disabled || row.expires_at.getTime() <= Date.now()) {
        return { kind: 'invalid' as const };
      }
      await this.refreshTokens.markRotated(m, row.id);
      const next = newToken();
      await this.refreshTokens.insertNext(
        m,
        row.user_id,
        row.family_id,
        hashRefreshToken(next),
        row.expires_at,
      );
      const user: SessionUser = {
        id: row.user_id,
        role: row.role,
        organisationId: row.organisation_id,
        tokenVersion: row.token_version,
      };
      return {
        kind: 'ok' as const,
        tokens: {
          ...this.tokens.issue(user, row.family_id),
          refreshToken: next,
          refreshExpiresIn: Math.max(0, Math.floor((row.expires_at.getTime() - Date.now()) / 1000)),
        },
      };
    });
    if (outcome.kind === 'ok') return outcome.tokens;
    if (outcome.kind === 'reused') {
      await this.userState.endSessions([outcome.familyId]);
      throw new UnauthorizedException(
        'This refresh token was already used: the session has been ended for safety, log in again',
      );
    }
    throw new UnauthorizedException(INVALID);
  }

  /**
   * Logout: ends the session of this refresh token (whatever its state), unless `userId` is
   * given and the token is another user's (a shared browser's cookie). True if it was ended.
   */
  async endByToken(refreshToken: string, userId: string | null = null): Promise<boolean> {
    const row = await this.refreshTokens.ownerByHash(hashRefreshToken(refreshToken));
    if (!row || (userId && row.user_id !== userId)) return false;
    await this.end([row.family_id], 'logout');
    return true;
  }

  /** Ends these sessions: their refresh tokens are revoked and their access tokens refused. */
  async end(familyIds: readonly string[], reason: string): Promise<void> {
    if (familyIds.length === 0) return;
    await this.refreshTokens.revokeFamilies(familyIds, reason);
    await this.userState.endSessions(familyIds);
  }

  /**
   * Revokes every live session of a user but `keep` (in the caller's transaction); returns the
   * families revoked, for `userState.endSessions` after the commit.
   */
  async revokeAllOf(
    m: EntityManager,
    userId: string,
    reason: string,
    keep: string | null = null,
  ): Promise<string[]> {
    const families = await this.refreshTokens.revokeAllOf(m, userId, reason, keep);
    return [...new Set(families)];
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}
