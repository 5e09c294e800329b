import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import type { NotifyOwner, SendSignUpCode } from '../core/jobs/job-catalogue.js';
import { MetricsService } from '../core/metrics/metrics.service.js';
import { NotificationChannelProvider } from './channels.js';
import { OwnerNotificationRepository } from './data/owner-notification.repository.js';
import { type NotificationLanguage, renderNotification, SECRET_TEMPLATES } from './templates.js';

/**
 * Delivers a `notify-owner` job (issue 25): renders the template in the owner's language,
 * respects their opt-out (account security messages always go), sends it on the configured
 * channel and records what was said. The row (unique per job) makes a job run twice send once;
 * a failed send throws, so the job retries with backoff and the row counts the attempts.
 */
@Injectable()
export class OwnerNotifier {
  private readonly logger = new Logger(OwnerNotifier.name);

  constructor(
    private readonly notifications: OwnerNotificationRepository,
    private readonly channels: NotificationChannelProvider,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliver(jobId: string, payload: JobPayload<typeof NotifyOwner>): Promise<void> {
    const channel = this.channels.channel;
    const owner = await this.notifications.recipient(payload.userId);
    const language: NotificationLanguage = owner?.language ?? 'zh-CN';
    const message = renderNotification(payload.template, language, payload.params ?? {}, {
      baseUrl: this.config.publicBaseUrl,
    });
    const recipient = owner ? channel.address(owner) : null;
    let status: 'pending' | 'skipped' | 'undeliverable' | 'recorded' = 'pending';
    let reason: string | null = null;
    if (!message) {
      status = 'recorded';
      reason = `no template "${payload.template}" with these params`;
    } else if (!owner || owner.disabled) {
      status = 'undeliverable';
      reason = owner ? 'account disabled' : 'no such user';
    } else if (owner.opt_out && message.category !== 'account') {
      status = 'skipped';
      reason = 'the owner opted out of notifications';
    } else if (!recipient) {
      status = 'undeliverable';
      reason = `no address for channel ${channel.name}`;
    } else if (channel.name === 'database') {
      status = 'recorded';
    }
    const keepBody = message && !SECRET_TEMPLATES.has(payload.template);
    await this.notifications.recordOnce({
      jobId,
      userId: payload.userId,
      channel: channel.name,
      template: payload.template,
      params: payload.params ?? {},
      status,
      language,
      recipient,
      subject: message?.subject ?? null,
      body: keepBody ? message.text : null,
      lastError: reason,
    });
    if (status !== 'pending') {
      if (status === 'recorded' && !message) {
        this.logger.warn(`Notification ${jobId}: ${reason}; recorded, not sent`);
      }
      this.metrics.notificationsSent.inc({
        channel: channel.name,
        template: payload.template,
        outcome: status,
      });
      return;
    }
    // Claim the send: a row already sent (the job ran before) is not sent again.
    if (!(await this.notifications.claimSend(jobId))) return;
    try {
      await channel.send({
        id: jobId,
        // Pending: the owner exists and is not disabled.
        to: { email: owner!.email, phone: owner!.phone, name: owner!.name },
        language,
        subject: message!.subject,
        text: message!.text,
      });
    } catch (err) {
      const text = (err as Error).message.slice(0, 1000);
      await this.notifications.sendFailed(jobId, text);
      this.metrics.notificationsSent.inc({
        channel: channel.name,
        template: payload.template,
        outcome: 'failed',
      });
      throw new Error(`Notification ${jobId} not sent on ${channel.name}: ${text}`, { cause: err });
    }
    await this.notifications.sent(jobId);
    this.metrics.notificationsSent.inc({
      channel: channel.name,
      template: payload.template,
      outcome: 'sent',
    });
  }

  /**
   * A sign-up code to a phone with no account yet (issue 22). Nothing is recorded (there is no
   * owner, and the code is a secret); a failed send throws so the job retries with backoff.
   */
  async sendSignUpCode(jobId: string, payload: JobPayload<typeof SendSignUpCode>): Promise<void> {
    const channel = this.channels.channel;
    const message = renderNotification(
      'sign-up-code',
      payload.language,
      { code: payload.code, expiresInMinutes: payload.expiresInMinutes },
      { baseUrl: this.config.publicBaseUrl },
    )!;
    const to = { email: null, phone: payload.phone, name: '' };
    const labels = { channel: channel.name, template: 'sign-up-code' };
    if (!channel.address(to)) {
      this.logger.warn(`Sign-up code ${jobId}: channel ${channel.name} does not reach phones`);
      this.metrics.notificationsSent.inc({ ...labels, outcome: 'undeliverable' });
      return;
    }
    try {
      await channel.send({ id: jobId, to, language: payload.language, ...message });
    } catch (err) {
      this.metrics.notificationsSent.inc({ ...labels, outcome: 'failed' });
      throw err;
    }
    this.metrics.notificationsSent.inc({ ...labels, outcome: 'sent' });
  }
}
