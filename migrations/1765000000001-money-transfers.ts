import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23 (point 3): refunds and payouts as transfers run by an outbox job, each with the
 * provider-level idempotency key derived from our record (the transfer's id), every answer of
 * the provider recorded; the payees' accounts at the provider; the test provider's payouts.
 */
export class MoneyTransfers1765000000001 implements MigrationInterface {
  name = 'MoneyTransfers1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE money_transfers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('refund', 'payout')),
        -- The record that causes it (e.g. sale-order:<id>:return-refund): one transfer per cause.
        key text NOT NULL UNIQUE,
        provider text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'held', 'processing', 'succeeded', 'failed')),
        hold_reason text,
        -- Who receives the money, and the ledger account the transfer settles.
        party_kind text NOT NULL CHECK (party_kind IN ('user', 'organisation')),
        party_id uuid NOT NULL,
        account_kind text NOT NULL CHECK (account_kind IN ('refunds-payable', 'seller-payable', 'merchant-payable')),
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        -- Refunds: the payment refunded (our intent id) and its whole amount.
        payment_ref text,
        payment_total_minor bigint,
        source_kind text NOT NULL,
        source_id text NOT NULL,
        reason text NOT NULL,
        -- Where a failure is reported: the order and customer of the support case.
        context jsonb NOT NULL DEFAULT '{}',
        provider_ref text,
        provider_answer jsonb,
        attempts int NOT NULL DEFAULT 0,
        last_error text,
        settled_at timestamptz(3),
        failed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((kind = 'refund') = (payment_ref IS NOT NULL))
      )`);
    await q.query('CREATE INDEX money_transfers_state ON money_transfers (state, created_at, id)');
    await q.query('CREATE INDEX money_transfers_party ON money_transfers (party_id, state)');
    await q.query(
      'CREATE INDEX money_transfers_source ON money_transfers (source_kind, source_id)',
    );
    // Every call to the provider and what it answered (or the error), in order.
    await q.query(`
      CREATE TABLE money_transfer_attempts (
        id bigserial PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES money_transfers(id),
        attempt int NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'processing', 'failed', 'error', 'held')),
        answer jsonb,
        error text,
        at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX money_transfer_attempts_transfer ON money_transfer_attempts (transfer_id, id)',
    );
    await q.query(`
      CREATE TABLE payout_accounts (
        party_kind text NOT NULL CHECK (party_kind IN ('user', 'organisation')),
        party_id uuid NOT NULL,
        provider text NOT NULL,
        account text NOT NULL,
        name text,
        updated_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (party_kind, party_id, provider)
      )`);
    await q.query(`
      CREATE TABLE test_payment_payouts (
        transfer_no text PRIMARY KEY,
        payout_id text NOT NULL UNIQUE,
        amount_minor bigint NOT NULL CHECK (amount_minor > 0),
        currency text NOT NULL,
        remark text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    // The stages show where their money stands.
    await q.query(`
      ALTER TABLE sale_orders ADD COLUMN refund_status text
        CHECK (refund_status IN ('pending', 'succeeded', 'failed'))`);
    await q.query(`UPDATE sale_orders SET refund_status = 'succeeded' WHERE refund_id IS NOT NULL`);
    await q.query(
      'ALTER TABLE trade_in_payouts DROP CONSTRAINT IF EXISTS trade_in_payouts_status_check',
    );
    await q.query(`
      ALTER TABLE trade_in_payouts ADD CONSTRAINT trade_in_payouts_status_check
        CHECK (status IN ('payable', 'frozen', 'paid', 'failed'))`);
    await q.query(`
      ALTER TABLE trade_in_payouts
        ADD COLUMN paid_at timestamptz(3),
        ADD COLUMN provider_ref text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE trade_in_payouts DROP COLUMN paid_at, DROP COLUMN provider_ref');
    await q.query(
      'ALTER TABLE trade_in_payouts DROP CONSTRAINT IF EXISTS trade_in_payouts_status_check',
    );
    await q.query(`
      ALTER TABLE trade_in_payouts ADD CONSTRAINT trade_in_payouts_status_check
        CHECK (status IN ('payable', 'frozen'))`);
    await q.query('ALTER TABLE sale_orders DROP COLUMN refund_status');
    await q.query(
      'DROP TABLE test_payment_payouts, payout_accounts, money_transfer_attempts, money_transfers',
    );
  }
}
