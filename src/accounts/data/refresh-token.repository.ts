import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UserRole } from '../../core/actor.js';
import { execute } from '../../core/sql.js';
import { DataRepository } from '../../core/data/repository.js';

/** A refresh token with its user, as a refresh reads it. */
export interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
  role: UserRole;
  organisation_id: string | null;
  token_version: number;
  disabled: boolean;
}

/**
 * Refresh tokens (only their SHA-256 hashes), each of a family: the session a login started.
 * Every method runs in the caller's manager when given one.
 */
@Injectable()
export class RefreshTokenRepository extends DataRepository {
  /** The first token of a new family, living `ttlSeconds` from now. */
  async insertFirst(
    userId: string,
    familyId: string,
    tokenHash: string,
    ttlSeconds: number,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [userId, familyId, tokenHash, ttlSeconds],
    );
  }

  /** The token of this hash and its user, the token's row locked FOR UPDATE. */
  async lockByHash(
    manager: EntityManager,
    tokenHash: string,
  ): Promise<RefreshTokenRow | undefined> {
    const rows = await manager.query<RefreshTokenRow[]>(
      `SELECT t.id, t.family_id, t.user_id, t.expires_at, t.rotated_at, t.revoked_at,
                u.role, u.organisation_id, u.token_version, u.disabled
           FROM refresh_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t`,
      [tokenHash],
    );
    return rows[0];
  }

  async markRotated(manager: EntityManager, id: string): Promise<void> {
    await manager.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1', [id]);
  }

  /** The next token of a family, ending when the family does. */
  async insertNext(
    manager: EntityManager,
    userId: string,
    familyId: string,
    tokenHash: string,
    expiresAt: Date,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
         VALUES ($1, $2, $3, $4)`,
      [userId, familyId, tokenHash, expiresAt],
    );
  }

  /** The family and user of the token of this hash, whatever its state. */
  async ownerByHash(
    tokenHash: string,
  ): Promise<{ family_id: string; user_id: string } | undefined> {
    const rows = await this.dataSource.query<{ family_id: string; user_id: string }[]>(
      'SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1',
      [tokenHash],
    );
    return rows[0];
  }

  /** Revokes every live token of a user but those of family `keep`; returns their families. */
  async revokeAllOf(
    manager: EntityManager,
    userId: string,
    reason: string,
    keep: string | null,
  ): Promise<string[]> {
    const { rows } = await execute<{ family_id: string }>(
      manager,
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)
        RETURNING family_id`,
      [userId, keep, reason],
    );
    return rows.map((r) => r.family_id);
  }

  /** Revokes the live tokens of these families. */
  async revokeFamilies(
    familyIds: readonly string[],
    reason: string,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).query(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2
        WHERE family_id = ANY($1::uuid[]) AND revoked_at IS NULL`,
      [familyIds, reason],
    );
  }
}
