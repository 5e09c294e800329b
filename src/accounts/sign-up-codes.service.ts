import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { job } from '../core/jobs/job-definition.js';
import { SendSignUpCode } from '../core/jobs/job-catalogue.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { normalisePhone } from '../core/http/phone.js';
import { execute } from '../core/sql.js';

export const SIGN_UP_CODE_TTL_MINUTES = 15;
export const SIGN_UP_CODE_MAX_ATTEMPTS = 5;

const WRONG_CODE = 'The code is wrong or has expired: ask for a new one';
const wrongCode = () =>
  new BadRequestException({
    message: WRONG_CODE,
    code: 'sign_up_code_wrong',
    fields: [{ field: 'phoneCode', errors: [WRONG_CODE] }],
  });

/**
 * One-time codes that prove a new customer holds the mobile number they sign up with (issue 22
 * point 2). Asked for only where owner messages reach phones (NOTIFY_CHANNEL=sms); elsewhere an
 * account is active at once and its phone unverified (docs/decisions.md). Six digits, stored as
 * an HMAC keyed by the server secret, 15 minutes, five tries, one live code per number.
 */
@Injectable()
export class SignUpCodesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Whether signing up with a phone needs a code: the channel can deliver one. */
  get required(): boolean {
    return this.config.notifications.channel === 'sms';
  }

  /** Sends a new code to the number (the previous one stops working). */
  async request(rawPhone: string, language: 'zh-CN' | 'en'): Promise<void> {
    if (!this.required) {
      throw new BadRequestException({
        message: 'Sign-up codes are not used here: sign up without one',
        code: 'sign_up_code_not_used',
      });
    }
    const phone = this.phoneOf(rawPhone);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.dataSource.transaction(async (m) => {
      await m.query(
        'UPDATE sign_up_codes SET used_at = now() WHERE phone = $1 AND used_at IS NULL',
        [phone],
      );
      await m.query(
        `INSERT INTO sign_up_codes (phone, code_hash, expires_at)
         VALUES ($1, $2, now() + make_interval(mins => $3))`,
        [phone, this.hash(phone, code), SIGN_UP_CODE_TTL_MINUTES],
      );
      await this.outbox.write(m, [
        job(SendSignUpCode, {
          phone,
          code,
          language,
          expiresInMinutes: SIGN_UP_CODE_TTL_MINUTES,
        }),
      ]);
    });
  }

  /**
   * Checks the code for the number and returns its id; a wrong code counts one of its tries.
   * The account is created with `use` in its own transaction, so a refused account (the number
   * taken meanwhile) leaves the code usable.
   */
  async check(phone: string, code: string | undefined): Promise<string> {
    if (!code) {
      throw new BadRequestException({
        message: 'Enter the code sent to your phone',
        fields: [{ field: 'phoneCode', errors: ['phoneCode is required'] }],
      });
    }
    const id = await this.dataSource.transaction(async (m) => {
      const rows = await m.query<{ id: string; code_hash: string }[]>(
        `SELECT id, code_hash FROM sign_up_codes
          WHERE phone = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $2
          ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
        [phone, SIGN_UP_CODE_MAX_ATTEMPTS],
      );
      const row = rows[0];
      if (!row) return null;
      const given = Buffer.from(this.hash(phone, code));
      const stored = Buffer.from(row.code_hash);
      if (given.length === stored.length && timingSafeEqual(given, stored)) return row.id;
      await m.query('UPDATE sign_up_codes SET attempts = attempts + 1 WHERE id = $1', [row.id]);
      return null;
    });
    if (!id) throw wrongCode();
    return id;
  }

  /** Uses the checked code up, in the transaction that creates the account (once only). */
  async use(m: EntityManager, codeId: string): Promise<void> {
    const { rows } = await execute(
      m,
      'UPDATE sign_up_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL RETURNING id',
      [codeId],
    );
    if (rows.length === 0) throw wrongCode();
  }

  private phoneOf(raw: string): string {
    const phone = normalisePhone(raw);
    if (!phone) {
      throw new BadRequestException({
        message: 'phone is not a valid phone number',
        fields: [{ field: 'phone', errors: ['phone must be a valid phone number'] }],
      });
    }
    return phone;
  }

  private hash(phone: string, code: string): string {
    return createHmac('sha256', this.config.jwt.secret)
      .update(`sign-up:${phone}:${code}`)
      .digest('hex');
  }
}
