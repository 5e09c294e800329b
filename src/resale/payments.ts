import { randomBytes } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { signatureHeader } from '../notifications/webhooks/signature.js';

export interface PaymentIntent {
  provider: string;
  intentId: string;
  amountMinor: number;
  currency: string;
  /** The buyer must pay before this; the reservation ends then. */
  expiresAt: string;
  /** Where the provider confirms (its signed webhook). */
  confirmation: { webhook: string; eventType: string };
}

/** The payment event the provider's signed webhook carries (`data` of the inbound event). */
export interface PaymentConfirmation {
  intentId: string;
  amountMinor: number;
  currency: string;
}

/**
 * A payment provider: creates an intent for an order and refunds. It confirms asynchronously by
 * a signed webhook to `/webhooks/inbound/<name>` (event type `payment.succeeded`), which the
 * notifications module verifies and deduplicates before resale applies it.
 */
export interface PaymentProvider {
  readonly name: string;
  createIntent(order: {
    id: string;
    amountMinor: number;
    currency: string;
    expiresAt: Date;
  }): Promise<PaymentIntent>;
  /**
   * Refunds part or all of a payment. `idempotencyKey` is derived from the record that causes
   * the refund (e.g. `sale-order:<id>:return-refund`): asked again with the same key, the
   * provider answers the first refund and moves no money.
   */
  refund(p: RefundRequest): Promise<{ refundId: string }>;
}

export interface RefundRequest {
  intentId: string;
  amountMinor: number;
  reason: string;
  idempotencyKey: string;
}

export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
export const PAYMENT_SUCCEEDED = 'payment.succeeded';

/**
 * The built-in test provider ('test-pay'): intents are local ids, refunds succeed at once, and
 * its webhook secret lives with the other inbound providers (created at start if missing, so
 * an admin can rotate it like any other). `signedConfirmation` is what its servers would send.
 */
@Injectable()
export class TestPaymentProvider implements PaymentProvider, OnApplicationBootstrap {
  readonly name = 'test-pay';
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

  /**
   * Refunds succeed at once. Kept by idempotency key in the provider's own table, on its own
   * connection (as a real provider's ledger would be): a retry after the caller's transaction
   * rolled back gets the first refund back and never refunds twice.
   */
  async refund(p: RefundRequest): Promise<{ refundId: string }> {
    if (!p.idempotencyKey) throw new Error('a refund needs an idempotency key');
    await this.dataSource.query(
      `INSERT INTO test_payment_refunds (idempotency_key, refund_id, intent_id, amount_minor, reason)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
      [
        p.idempotencyKey,
        `re_test_${randomBytes(12).toString('hex')}`,
        p.intentId,
        p.amountMinor,
        p.reason,
      ],
    );
    const rows = await this.dataSource.query<Array<{ refund_id: string }>>(
      'SELECT refund_id FROM test_payment_refunds WHERE idempotency_key = $1',
      [p.idempotencyKey],
    );
    return { refundId: rows[0].refund_id };
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
