import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserStateService } from '../auth/user-state.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { job } from '../core/jobs/job-definition.js';
import { NotifyOwner } from '../core/jobs/job-catalogue.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { type AccountName, accountWhere } from './accounts.service.js';
import { OneTimeCodeRepository } from './data/one-time-code.repository.js';
import { UserRepository } from './data/user.repository.js';
import { OneTimeCodes } from './one-time-codes.js';
import { hashPassword } from './passwords.js';
import { SessionsService } from './sessions.service.js';

export const RESET_CODE_TTL_MINUTES = 15;
export const RESET_CODE_MAX_ATTEMPTS = 5;
export const RESET_TEMPLATE = 'password-reset-code';

/**
 * Password reset by a one-time code sent through the owner notification channel (the
 * `notify-owner` job; SMS or e-mail in production). Eight digits, stored only as an HMAC keyed
 * by the server secret, valid 15 minutes, five tries, one live code per user (a new request
 * replaces it). The account is named by its e-mail or its sign-in mobile number. Requests and
 * wrong codes get the same answer whether or not the account exists.
 */
@Injectable()
export class PasswordResetService {
  private readonly codes: OneTimeCodes;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly sessions: SessionsService,
    private readonly userState: UserStateService,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UserRepository,
    codeRepository: OneTimeCodeRepository,
  ) {
    this.codes = new OneTimeCodes(
      {
        table: 'password_reset_codes',
        ownerColumn: 'user_id',
        digits: 8,
        ttlMinutes: RESET_CODE_TTL_MINUTES,
        maxAttempts: RESET_CODE_MAX_ATTEMPTS,
        scope: '',
        wrong: { code: 'reset_code_wrong', field: 'code' },
      },
      config.jwt.secret,
      codeRepository,
    );
  }

  async request(by: AccountName): Promise<void> {
    const user = await this.findUser(by);
    if (!user || user.disabled) return;
    await this.dataSource.transaction(async (m) => {
      const code = await this.codes.issue(m, user.id);
      await this.outbox.write(m, [
        job(NotifyOwner, {
          userId: user.id,
          template: RESET_TEMPLATE,
          params: { code, expiresInMinutes: RESET_CODE_TTL_MINUTES },
        }),
      ]);
    });
  }

  async confirm(by: AccountName, code: string, newPassword: string): Promise<void> {
    const user = await this.findUser(by);
    // Hash first, whether or not the account or code is right: the answer takes as long.
    const passwordHash = await hashPassword(newPassword);
    // The same answer for an account that does not exist as for a wrong code.
    if (!user || user.disabled) throw this.codes.wrongCode();
    const outcome = await this.dataSource.transaction(async (m) => {
      const codeId = await this.codes.check(m, user.id, code);
      if (!codeId) return null;
      await this.codes.use(m, codeId);
      const tokenVersion = await this.users.setPassword(m, user.id, passwordHash);
      const ended = await this.sessions.revokeAllOf(m, user.id, 'password-reset');
      return { tokenVersion, ended };
    });
    if (!outcome) throw this.codes.wrongCode();
    await this.userState.publish(user.id, { tokenVersion: outcome.tokenVersion, disabled: false });
    await this.userState.endSessions(outcome.ended);
  }

  private async findUser(by: AccountName): Promise<{ id: string; disabled: boolean } | null> {
    return this.users.stateByAccount(accountWhere(by));
  }
}
