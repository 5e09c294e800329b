import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { execute } from '../core/sql.js';

/** Where a kind of code lives and how it behaves. Table and column names are code, never input. */
export interface OneTimeCodeKind {
  table: 'sign_up_codes' | 'password_reset_codes';
  /** The column naming whom the code is for (a phone number, a user id). */
  ownerColumn: 'phone' | 'user_id';
  digits: number;
  ttlMinutes: number;
  maxAttempts: number;
  /** Mixed into the HMAC so a code of one kind never matches another kind's hash. */
  scope: string;
}

/**
 * One-time codes sent to a person (sign-up by phone, password reset): random digits stored only
 * as an HMAC keyed by the server secret, a limited life and number of tries, one live code per
 * owner (a new one replaces the last). The caller owns the transaction and what the code unlocks.
 */
export class OneTimeCodes {
  constructor(
    private readonly kind: OneTimeCodeKind,
    private readonly secret: string,
  ) {}

  /** Replaces the owner's live code with a new one and returns it (to be sent, never stored). */
  async issue(m: EntityManager, owner: string): Promise<string> {
    const { table, ownerColumn, digits, ttlMinutes } = this.kind;
    const code = String(randomInt(0, 10 ** digits)).padStart(digits, '0');
    await m.query(
      `UPDATE ${table} SET used_at = now() WHERE ${ownerColumn} = $1 AND used_at IS NULL`,
      [owner],
    );
    await m.query(
      `INSERT INTO ${table} (${ownerColumn}, code_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(mins => $3))`,
      [owner, this.hash(owner, code), ttlMinutes],
    );
    return code;
  }

  /**
   * The id of the owner's live code if `code` is it; otherwise null, and a wrong code uses up one
   * of the tries. Locks the code's row until the transaction ends.
   */
  async check(m: EntityManager, owner: string, code: string): Promise<string | null> {
    const { table, ownerColumn, maxAttempts } = this.kind;
    const rows = await m.query<{ id: string; code_hash: string }[]>(
      `SELECT id, code_hash FROM ${table}
        WHERE ${ownerColumn} = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $2
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [owner, maxAttempts],
    );
    const row = rows[0];
    if (!row) return null;
    const given = Buffer.from(this.hash(owner, code));
    const stored = Buffer.from(row.code_hash);
    if (given.length === stored.length && timingSafeEqual(given, stored)) return row.id;
    await m.query(`UPDATE ${table} SET attempts = attempts + 1 WHERE id = $1`, [row.id]);
    return null;
  }

  /** Uses a checked code up; false if it was used meanwhile (each code works once). */
  async use(m: EntityManager, id: string): Promise<boolean> {
    const { rows } = await execute(
      m,
      `UPDATE ${this.kind.table} SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }

  private hash(owner: string, code: string): string {
    return createHmac('sha256', this.secret)
      .update(`${this.kind.scope}${owner}:${code}`)
      .digest('hex');
  }
}
