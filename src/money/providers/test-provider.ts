import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { signatureHeader } from '../../notifications/webhooks/signature.js';
import {
  PAYMENT_SUCCEEDED,
  type PaymentConfirmation,
  type PaymentIntent,
  type PaymentProvider,
  type PayoutRequest,
  type ProviderAnswer,
  type RefundRequest,
} from './payment-provider.js';

/**
 * The built-in TEST provider ('test-pay') — development and demos only; it moves no money and
 * production refuses to start with it. Intents are local ids; it confirms by Reloop's signed
 * webhook (its secret lives with the other inbound providers, created at start if missing);
 * refunds and payouts succeed at once, kept by their number in the provider's own tables on
 * its own connection (as a real provider's ledger would be), so the same number asked again
 * answers the first result and never pays twice.
 */
@Injectable()
export class TestPaymentProvider implements PaymentProvider, OnApplicationBootstrap {
  readonly name = 'test-pay';
  readonly simulated = true;
  private readonly logger = new Logger(TestPaymentProvider.name);

  constructor(private readonly dataSource: DataSource) {}

  /** Not fatal: a start-up problem is reported by the health check; intents ensure it again. */
  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSecret().catch((err: Error) =>
      this.logger.warn(`test-pay webhook secret not ensured: ${err.message}`),
    );
  }

  private async ensureSecret(): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO inbound_webhook_providers (provider, secret, active) VALUES ($1, $2, true)
       ON CONFLICT (provider) DO NOTHING`,
      [this.name, `whsec_${randomBytes(24).toString('base64url')}`],
    );
    const rows = await this.dataSource.query<Array<{ secret: string }>>(
      'SELECT secret FROM inbound_webhook_providers WHERE provider = $1',
      [this.name],
    );
    return rows[0].secret;
  }

  async createIntent(order: {
    id: string;
    amountMinor: number;
    currency: string;
    expiresAt: Date;
  }): Promise<PaymentIntent> {
    await this.ensureSecret();
    return {
      provider: this.name,
      intentId: `pi_test_${randomBytes(12).toString('hex')}`,
      amountMinor: order.amountMinor,
      currency: order.currency,
      expiresAt: order.expiresAt.toISOString(),
      confirmation: {
        webhook: `/api/v1/webhooks/inbound/${this.name}`,
        eventType: PAYMENT_SUCCEEDED,
      },
    };
  }

  async refund(p: RefundRequest): Promise<ProviderAnswer> {
    if (!p.refundNo) throw new Error('a refund needs a refund request number');
    const row = await this.recordOnce<{ refund_id: string; amount_minor: string }>(
      `INSERT INTO test_payment_refunds (idempotency_key, refund_id, intent_id, amount_minor, reason)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
      'SELECT refund_id, amount_minor FROM test_payment_refunds WHERE idempotency_key = $1',
      [
        p.refundNo,
        `re_test_${randomBytes(12).toString('hex')}`,
        p.intentId,
        p.amountMinor,
        p.reason,
      ],
    );
    return {
      status: 'succeeded',
      providerRef: row.refund_id,
      raw: { refund_id: row.refund_id, amount_minor: Number(row.amount_minor), test: true },
    };
  }

  async payout(p: PayoutRequest): Promise<ProviderAnswer> {
    if (!p.transferNo) throw new Error('a payout needs a transfer number');
    const row = await this.recordOnce<{ payout_id: string }>(
      `INSERT INTO test_payment_payouts (transfer_no, payout_id, amount_minor, currency, remark)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (transfer_no) DO NOTHING`,
      'SELECT payout_id FROM test_payment_payouts WHERE transfer_no = $1',
      [
        p.transferNo,
        `po_test_${randomBytes(12).toString('hex')}`,
        p.amountMinor,
        p.currency,
        p.remark,
      ],
    );
    return {
      status: 'succeeded',
      providerRef: row.payout_id,
      raw: { payout_id: row.payout_id, test: true },
    };
  }

  /**
   * Records a refund or payout once per idempotency key (the first value): a retry keeps the first
   * record and answers with it, as a real provider does.
   */
  private async recordOnce<R>(insert: string, select: string, values: unknown[]): Promise<R> {
    await this.dataSource.query(insert, values);
    const [row] = await this.dataSource.query<R[]>(select, [values[0]]);
    return row;
  }

  /** The body and `Reloop-Signature` header of the provider's confirmation for an intent. */
  async signedConfirmation(
    payment: PaymentConfirmation,
    eventId = `evt_test_${randomBytes(10).toString('hex')}`,
  ): Promise<{ body: string; signature: string; eventId: string }> {
    const secret = await this.ensureSecret();
    const body = JSON.stringify({ id: eventId, type: PAYMENT_SUCCEEDED, data: payment });
    return {
      body,
      signature: signatureHeader(secret, body, Math.floor(Date.now() / 1000)),
      eventId,
    };
  }
}
