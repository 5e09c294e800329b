import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { BadRequestException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { OneTimeCodeRepository, OneTimeCodeTable } from './data/one-time-code.repository.js';

/** Where a kind of code lives and how it behaves. Table and column names are code, never input. */
export interface OneTimeCodeKind extends OneTimeCodeTable {
  digits: number;
  ttlMinutes: number;
  maxAttempts: number;
  /** Mixed into the HMAC so a code of one kind never matches another kind's hash. */
  scope: string;
  /** The 400 a wrong code gets: its `code`, and the request field the code came in. */
  wrong: { code: string; field: string };
}

const WRONG_CODE = 'The code is wrong or has expired: ask for a new one';

/**
 * One-time codes sent to a person (sign-up by phone, password reset): random digits stored only
 * as an HMAC keyed by the server secret, a limited life and number of tries, one live code per
 * owner (a new one replaces the last). The caller owns the transaction and what the code unlocks.
 */
export class OneTimeCodes {
  constructor(
    private readonly kind: OneTimeCodeKind,
    private readonly secret: string,
    private readonly repository: OneTimeCodeRepository,
  ) {}

  /** Replaces the owner's live code with a new one and returns it (to be sent, never stored). */
  async issue(m: EntityManager, owner: string): Promise<string> {
    const { digits, ttlMinutes } = this.kind;
    const code = String(randomInt(0, 10 ** digits)).padStart(digits, '0');
    await this.repository.replace(m, this.kind, owner, this.hash(owner, code), ttlMinutes);
    return code;
  }

  /**
   * The id of the owner's live code if `code` is it; otherwise null, and a wrong code uses up one
   * of the tries. Locks the code's row until the transaction ends.
   */
  async check(m: EntityManager, owner: string, code: string): Promise<string | null> {
    const row = await this.repository.lockLive(m, this.kind, owner, this.kind.maxAttempts);
    if (!row) return null;
    const given = Buffer.from(this.hash(owner, code));
    const stored = Buffer.from(row.code_hash);
    if (given.length === stored.length && timingSafeEqual(given, stored)) return row.id;
    await this.repository.countWrongTry(m, this.kind, row.id);
    return null;
  }

  /** The same 400 for a wrong code, an expired or used one, and an owner who has none. */
  wrongCode(): BadRequestException {
    const { code, field } = this.kind.wrong;
    return new BadRequestException({
      message: WRONG_CODE,
      code,
      fields: [{ field, errors: [WRONG_CODE] }],
    });
  }

  /** Uses a checked code up; false if it was used meanwhile (each code works once). */
  use(m: EntityManager, id: string): Promise<boolean> {
    return this.repository.use(m, this.kind, id);
  }

  private hash(owner: string, code: string): string {
    return createHmac('sha256', this.secret)
      .update(`${this.kind.scope}${owner}:${code}`)
      .digest('hex');
  }
}
