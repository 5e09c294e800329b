import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { signatureHeader } from '../../notifications/webhooks/signature.js';
import { TestProviderRepository } from '../data/test-provider.repository.js';
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

  constructor(private readonly records: TestProviderRepository) {}

  /** Not fatal: a start-up problem is reported by the health check; intents ensure it again. */
  async onApplicationBootstrap(): Promise<void> {
    await this.ensureSecret().catch((err: Error) =>
      this.logger.warn(`test-pay webhook secret not ensured: ${err.message}`),
    );
  }

  private ensureSecret(): Promise<string> {
    return this.records.ensureSecret(this.name, `whsec_${randomBytes(24).toString('base64url')}`);
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
    const row = await this.records.recordRefund({
      idempotencyKey: p.refundNo,
      refundId: `re_test_${randomBytes(12).toString('hex')}`,
      intentId: p.intentId,
      amountMinor: p.amountMinor,
      reason: p.reason,
    });
    return {
      status: 'succeeded',
      providerRef: row.refund_id,
      raw: { refund_id: row.refund_id, amount_minor: Number(row.amount_minor), test: true },
    };
  }

  async payout(p: PayoutRequest): Promise<ProviderAnswer> {
    if (!p.transferNo) throw new Error('a payout needs a transfer number');
    const row = await this.records.recordPayout({
      transferNo: p.transferNo,
      payoutId: `po_test_${randomBytes(12).toString('hex')}`,
      amountMinor: p.amountMinor,
      currency: p.currency,
      remark: p.remark,
    });
    return {
      status: 'succeeded',
      providerRef: row.payout_id,
      raw: { payout_id: row.payout_id, test: true },
    };
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
