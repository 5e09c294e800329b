import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 23 (point 4): a commission rule per merchant and settlement statements per period. */
export class MerchantSettlement1765000000002 implements MigrationInterface {
  name = 'MerchantSettlement1765000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE merchant_commission_rules (
        merchant_id uuid PRIMARY KEY REFERENCES organisations(id),
        -- Basis points of the net sales (1000 = 10 %), plus a fixed amount per order sold.
        percent_bp int NOT NULL CHECK (percent_bp BETWEEN 0 AND 10000),
        fixed_minor bigint NOT NULL DEFAULT 0 CHECK (fixed_minor >= 0),
        updated_by uuid REFERENCES users(id),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE settlement_statements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        merchant_id uuid NOT NULL REFERENCES organisations(id),
        period_from date NOT NULL,
        period_to date NOT NULL,
        currency text NOT NULL,
        orders int NOT NULL,
        sales_minor bigint NOT NULL,
        returns_minor bigint NOT NULL,
        commission_minor bigint NOT NULL,
        payable_minor bigint NOT NULL,
        rule jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('issued', 'paying', 'paid', 'failed')),
        transfer_id uuid REFERENCES money_transfers(id),
        issued_by uuid REFERENCES users(id),
        paid_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (period_from <= period_to),
        -- One statement per merchant and start; overlaps are refused under a per-merchant lock.
        UNIQUE (merchant_id, period_from)
      )`);
    await q.query(
      'CREATE INDEX settlement_statements_merchant ON settlement_statements (merchant_id, created_at, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE settlement_statements, merchant_commission_rules');
  }
}
