import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';

/** One message to one owner, ready to go. */
export interface OutgoingMessage {
  /** Stable per notification (the job id): the Message-ID, so a resend is recognisable. */
  id: string;
  to: { email: string | null; phone: string | null; name: string };
  language: string;
  subject: string;
  text: string;
}

/**
 * Where owner messages go (issue 25): chosen by NOTIFY_CHANNEL. `send` throws when the message
 * did not go (the job retries); `address` says whom it would reach, or null when the owner has
 * no address on this channel (recorded as undeliverable, not retried).
 */
export interface NotificationChannel {
  readonly name: string;
  address(to: OutgoingMessage['to']): string | null;
  send(message: OutgoingMessage): Promise<void>;
}

/** E-mail through any SMTP server (nodemailer; add `?pool=true` to SMTP_URL to reuse connections). */
export class SmtpChannel implements NotificationChannel, OnApplicationShutdown {
  readonly name = 'email';
  // nodemailer is loaded when the channel is made (SMTP_URL set), not by every process at boot.
  private readonly transport: Promise<Transporter>;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly domain: string,
  ) {
    this.transport = import('nodemailer').then((m) => m.default.createTransport(smtpUrl));
  }

  address(to: OutgoingMessage['to']): string | null {
    return to.email;
  }

  async send(message: OutgoingMessage): Promise<void> {
    const email = message.to.email;
    if (!email) throw new Error('no e-mail address');
    const transport = await this.transport;
    await transport.sendMail({
      from: this.from,
      to: { name: message.to.name, address: email },
      subject: message.subject,
      text: message.text,
      messageId: `<${message.id}@${this.domain}>`,
      headers: { 'Content-Language': message.language },
    });
  }

  onApplicationShutdown(): void {
    void this.transport.then((t) => t.close());
  }
}

/**
 * Text messages through the operator's SMS gateway (issue 22): one JSON POST per message,
 * `{ id, to, text, language }` with a bearer token; any 2xx means the gateway took it. Aliyun,
 * Tencent Cloud and the other mainland providers sit behind such a gateway (their templates and
 * signatures are the gateway's business); `id` is stable per notification, so a gateway can drop
 * a resend.
 */
export class SmsGatewayChannel implements NotificationChannel {
  readonly name = 'sms';

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  address(to: OutgoingMessage['to']): string | null {
    return to.phone;
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (!message.to.phone) throw new Error('no phone number');
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        id: message.id,
        to: message.to.phone,
        text: `${message.subject}\n${message.text}`,
        language: message.language,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      throw new Error(`SMS gateway answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    }
  }
}

/** Records only (the owner_notifications row is the message): development and tests. */
export class RecordOnlyChannel implements NotificationChannel {
  readonly name = 'database';
  address(to: OutgoingMessage['to']): string | null {
    return to.email ?? to.phone;
  }
  async send(): Promise<void> {}
}

/** The configured channel. */
@Injectable()
export class NotificationChannelProvider implements OnApplicationShutdown {
  readonly channel: NotificationChannel;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const n = config.notifications;
    this.channel =
      n.channel === 'smtp' && n.smtpUrl
        ? new SmtpChannel(n.smtpUrl, n.from, new URL(config.publicBaseUrl).hostname)
        : n.channel === 'sms' && n.sms
          ? new SmsGatewayChannel(n.sms.url, n.sms.token)
          : new RecordOnlyChannel();
  }

  onApplicationShutdown(): void {
    if (this.channel instanceof SmtpChannel) this.channel.onApplicationShutdown();
  }
}
