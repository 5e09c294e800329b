import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { execute } from '../../core/sql.js';
import { DataRepository } from '../../core/data/repository.js';

/** Where a kind of one-time code lives. Table and column names are code, never input. */
export interface OneTimeCodeTable {
  table: 'sign_up_codes' | 'password_reset_codes';
  /** The column naming whom the code is for (a phone number, a user id). */
  ownerColumn: 'phone' | 'user_id';
}

/** One-time codes (sign-up, password reset), stored as hashes; always in the caller's transaction. */
@Injectable()
export class OneTimeCodeRepository extends DataRepository {
  /** Uses up the owner's live code and stores a new one's hash, living `ttlMinutes`. */
  async replace(
    m: EntityManager,
    { table, ownerColumn }: OneTimeCodeTable,
    owner: string,
    codeHash: string,
    ttlMinutes: number,
  ): Promise<void> {
    await m.query(
      `UPDATE ${table} SET used_at = now() WHERE ${ownerColumn} = $1 AND used_at IS NULL`,
      [owner],
    );
    await m.query(
      `INSERT INTO ${table} (${ownerColumn}, code_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(mins => $3))`,
      [owner, codeHash, ttlMinutes],
    );
  }

  /** The owner's live code with tries left, locked FOR UPDATE until the transaction ends. */
  async lockLive(
    m: EntityManager,
    { table, ownerColumn }: OneTimeCodeTable,
    owner: string,
    maxAttempts: number,
  ): Promise<{ id: string; code_hash: string } | undefined> {
    const rows = await m.query<{ id: string; code_hash: string }[]>(
      `SELECT id, code_hash FROM ${table}
        WHERE ${ownerColumn} = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $2
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [owner, maxAttempts],
    );
    return rows[0];
  }

  /** A wrong code: one try fewer. */
  async countWrongTry(m: EntityManager, { table }: OneTimeCodeTable, id: string): Promise<void> {
    await m.query(`UPDATE ${table} SET attempts = attempts + 1 WHERE id = $1`, [id]);
  }

  /** Uses a code up; false if it was used meanwhile. */
  async use(m: EntityManager, { table }: OneTimeCodeTable, id: string): Promise<boolean> {
    const { rows } = await execute(
      m,
      `UPDATE ${table} SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}
