import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { REDIS } from '../platform/redis.provider.js';
import { UserStateRepository } from './data/user-state.repository.js';
import type { VerifiedToken } from './token.service.js';
import type { RedisClient } from '../core/redis/redis-client.js';

/** How long a user's state is cached; writers overwrite it, so this only bounds a lost write. */
const STATE_TTL_SECONDS = 60;

interface UserState {
  tokenVersion: number;
  disabled: boolean;
}

/**
 * Whether a signed, unexpired access token still stands: its user is not disabled, its token
 * version is the user's current one (raised on disable and password change or reset), and its
 * session was not ended (logout, reuse of a rotated refresh token). Two Redis GETs per request,
 * sent together (single-key commands: on a Redis Cluster the keys live on different nodes); the
 * user's row is read on a miss (or when Redis is unreachable). Writers put the new state in
 * Redis right after they commit, so a disabled user is refused at once on every instance.
 */
@Injectable()
export class UserStateService {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly users: UserStateRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.prefix = `${config.queuePrefix}:auth:`;
  }

  async stillValid(token: VerifiedToken): Promise<boolean> {
    const userId = token.actor.userId;
    if (!userId) return false;
    const keys = [this.stateKey(userId)];
    if (token.sessionId) keys.push(this.sessionKey(token.sessionId));
    // Redis unreachable: the database decides (sessions ended meanwhile are missed).
    const cached = await Promise.all(keys.map((k) => this.redis.get(k))).catch(() => null);
    if (cached?.[1]) return false;
    let state = cached?.[0] ? parse(cached[0]) : null;
    if (!state) {
      state = await this.users.ofUser(userId);
      if (!state) return false;
      await this.redis
        .set(keys[0], format(state), 'EX', STATE_TTL_SECONDS, 'NX')
        .catch(() => undefined);
    }
    return !state.disabled && state.tokenVersion === token.tokenVersion;
  }

  /** After a commit that changed the user's token version or disabled flag. */
  async publish(userId: string, state: UserState): Promise<void> {
    await this.redis
      .set(this.stateKey(userId), format(state), 'EX', STATE_TTL_SECONDS)
      .catch(() => undefined);
  }

  /** Access tokens of these sessions stop working now (they would expire by themselves later). */
  async endSessions(sessionIds: readonly string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    // One SET per session rather than a pipeline: on a cluster the keys are on different nodes.
    await Promise.all(
      sessionIds.map((id) =>
        this.redis.set(this.sessionKey(id), '1', 'EX', this.config.jwt.ttlSeconds + 5),
      ),
    ).catch(() => undefined);
  }

  private stateKey(userId: string): string {
    return `${this.prefix}user:${userId}`;
  }

  private sessionKey(sessionId: string): string {
    return `${this.prefix}ended:${sessionId}`;
  }
}

function format(s: UserState): string {
  return `${s.tokenVersion}:${s.disabled ? 1 : 0}`;
}

function parse(text: string): UserState | null {
  const m = /^(\d+):([01])$/.exec(text);
  return m ? { tokenVersion: Number(m[1]), disabled: m[2] === '1' } : null;
}
