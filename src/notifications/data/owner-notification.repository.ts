import { Injectable } from '@nestjs/common';
import { DataRepository } from '../../core/data/repository.js';
import type { NotificationLanguage } from '../templates.js';

/** Who a notification goes to: the owner's addresses, state and preferences. */
export interface Recipient {
  email: string | null;
  phone: string | null;
  name: string;
  disabled: boolean;
  language: NotificationLanguage | null;
  opt_out: boolean | null;
}

/** A notification as recorded (one row per job). */
export interface NotificationRecord {
  jobId: string;
  userId: string;
  channel: string;
  template: string;
  params: unknown;
  status: string;
  language: NotificationLanguage;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  lastError: string | null;
}

/** Owners' notifications (one per job) and their notification preferences. */
@Injectable()
export class OwnerNotificationRepository extends DataRepository {
  async recipient(userId: string): Promise<Recipient | undefined> {
    const [owner] = await this.dataSource.query<Recipient[]>(
      `SELECT u.email, u.phone, u.name, u.disabled, p.language, p.opt_out
         FROM users u LEFT JOIN notification_preferences p ON p.user_id = u.id
        WHERE u.id = $1`,
      [userId],
    );
    return owner;
  }

  /** Records the notification unless its job already did. */
  async recordOnce(n: NotificationRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO owner_notifications
         (job_id, user_id, channel, template, params, status, language, recipient, subject, body,
          last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (job_id) DO NOTHING`,
      [
        n.jobId,
        n.userId,
        n.channel,
        n.template,
        JSON.stringify(n.params),
        n.status,
        n.language,
        n.recipient,
        n.subject,
        n.body,
        n.lastError,
      ],
    );
  }

  /** Counts a send attempt of a still-pending notification; false when it was sent already. */
  async claimSend(jobId: string): Promise<boolean> {
    const rows = await this.dataSource.query<Array<{ status: string }>>(
      `UPDATE owner_notifications SET attempts = attempts + 1
        WHERE job_id = $1 AND status = 'pending' RETURNING status`,
      [jobId],
    );
    return rows.length > 0;
  }

  async sendFailed(jobId: string, error: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE owner_notifications SET last_error = $2 WHERE job_id = $1',
      [jobId, error],
    );
  }

  async sent(jobId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE owner_notifications SET status = 'sent', sent_at = now(), last_error = NULL
        WHERE job_id = $1`,
      [jobId],
    );
  }

  async preferences(
    userId: string,
  ): Promise<{ language: NotificationLanguage; opt_out: boolean } | undefined> {
    const [row] = await this.dataSource.query<
      Array<{ language: NotificationLanguage; opt_out: boolean }>
    >('SELECT language, opt_out FROM notification_preferences WHERE user_id = $1', [userId]);
    return row;
  }

  /** Changes the given preferences (the others stay; a new row starts Chinese, opted in). */
  async setPreferences(
    userId: string,
    language: NotificationLanguage | null,
    optOut: boolean | null,
  ): Promise<{ language: NotificationLanguage; opt_out: boolean }> {
    const [row] = await this.dataSource.query<
      Array<{ language: NotificationLanguage; opt_out: boolean }>
    >(
      `INSERT INTO notification_preferences (user_id, language, opt_out)
       VALUES ($1, coalesce($2, 'zh-CN'), coalesce($3, false))
       ON CONFLICT (user_id) DO UPDATE SET
         language = coalesce($2, notification_preferences.language),
         opt_out = coalesce($3, notification_preferences.opt_out),
         updated_at = now()
       RETURNING language, opt_out`,
      [userId, language, optOut],
    );
    return row;
  }
}
