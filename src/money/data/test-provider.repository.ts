import { Injectable } from '@nestjs/common';
import { DataRepository } from '../../core/data/repository.js';

/**
 * The built-in test provider's own tables (its webhook secret, refunds and payouts), each
 * recorded once per idempotency key: a retry answers the first record, as a real provider does.
 */
@Injectable()
export class TestProviderRepository extends DataRepository {
  /** The provider's inbound webhook secret, `secret` stored first when there is none. */
  async ensureSecret(provider: string, secret: string): Promise<string> {
    await this.dataSource.query(
      `INSERT INTO inbound_webhook_providers (provider, secret, active) VALUES ($1, $2, true)
       ON CONFLICT (provider) DO NOTHING`,
      [provider, secret],
    );
    const rows = await this.dataSource.query<Array<{ secret: string }>>(
      'SELECT secret FROM inbound_webhook_providers WHERE provider = $1',
      [provider],
    );
    return rows[0].secret;
  }

  /** The refund of this idempotency key, recorded with these values if it is the first. */
  recordRefund(values: {
    idempotencyKey: string;
    refundId: string;
    intentId: string;
    amountMinor: number;
    reason: string;
  }): Promise<{ refund_id: string; amount_minor: string }> {
    return this.recordOnce(
      `INSERT INTO test_payment_refunds (idempotency_key, refund_id, intent_id, amount_minor, reason)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING`,
      'SELECT refund_id, amount_minor FROM test_payment_refunds WHERE idempotency_key = $1',
      [values.idempotencyKey, values.refundId, values.intentId, values.amountMinor, values.reason],
    );
  }

  /** The payout of this transfer number, recorded with these values if it is the first. */
  recordPayout(values: {
    transferNo: string;
    payoutId: string;
    amountMinor: number;
    currency: string;
    remark: string;
  }): Promise<{ payout_id: string }> {
    return this.recordOnce(
      `INSERT INTO test_payment_payouts (transfer_no, payout_id, amount_minor, currency, remark)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (transfer_no) DO NOTHING`,
      'SELECT payout_id FROM test_payment_payouts WHERE transfer_no = $1',
      [values.transferNo, values.payoutId, values.amountMinor, values.currency, values.remark],
    );
  }

  private async recordOnce<R>(insert: string, select: string, values: unknown[]): Promise<R> {
    await this.dataSource.query(insert, values);
    const [row] = await this.dataSource.query<R[]>(select, [values[0]]);
    return row;
  }
}
