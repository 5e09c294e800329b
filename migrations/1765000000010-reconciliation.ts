import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23 (point 5): daily reconciliation. Ledger entries that moved money at a provider carry
 * our number there (out_trade_no, out_refund_no…), so a statement line finds its entry; each
 * import of a provider's statement for a day is a run whose lines say matched, missing on our
 * side, missing on theirs or amount mismatch.
 */
export class Reconciliation1765000000010 implements MigrationInterface {
  name = 'Reconciliation1765000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      'ALTER TABLE ledger_entries ADD COLUMN provider text, ADD COLUMN provider_ref text',
    );
    await q.query(
      'CREATE INDEX ledger_entries_provider_ref ON ledger_entries (provider, provider_ref) WHERE provider IS NOT NULL',
    );
    // Entries posted before this migration get their numbers once, from the records that
    // caused them (the ledger is append-only otherwise; this fills new columns, nothing else).
    await q.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update_delete');
    await q.query(`
      UPDATE ledger_entries e SET provider = o.payment_provider, provider_ref = o.payment_intent_id
        FROM sale_orders o
       WHERE e.kind = 'payment' AND e.key = 'payment:' || o.id::text
         AND o.payment_intent_id IS NOT NULL`);
    await q.query(`
      UPDATE ledger_entries e SET provider = t.provider, provider_ref = replace(t.id::text, '-', '')
        FROM money_transfers t
       WHERE e.kind IN ('refund', 'payout') AND e.key = t.kind || ':' || t.key`);
    await q.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_update_delete');

    await q.query(`
      CREATE TABLE reconciliation_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL,
        day date NOT NULL,
        source text NOT NULL CHECK (source IN ('upload', 'provider')),
        trigger text NOT NULL CHECK (trigger IN ('admin', 'scheduled')),
        file_sha256 text NOT NULL,
        statement_lines int NOT NULL,
        matched int NOT NULL,
        missing_ours int NOT NULL,
        missing_theirs int NOT NULL,
        amount_mismatch int NOT NULL,
        -- The statement's own summary (count and totals), as printed at its end.
        totals jsonb NOT NULL,
        requested_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX reconciliation_runs_day ON reconciliation_runs (provider, day, created_at DESC)',
    );
    await q.query(
      'CREATE INDEX reconciliation_runs_created ON reconciliation_runs (created_at, id)',
    );
    await q.query(`
      CREATE TABLE reconciliation_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES reconciliation_runs(id),
        status text NOT NULL
          CHECK (status IN ('matched', 'missing-ours', 'missing-theirs', 'amount-mismatch')),
        kind text NOT NULL CHECK (kind IN ('payment', 'refund')),
        -- Our number at the provider (the payment's intent id, the refund request number).
        our_ref text NOT NULL,
        provider_ref text,
        their_amount_minor bigint,
        our_amount_minor bigint,
        currency text NOT NULL,
        their_at timestamptz(3),
        our_at timestamptz(3),
        -- Their time when they have the line, ours otherwise: the report's order.
        at timestamptz(3) NOT NULL,
        ledger_entry_id uuid REFERENCES ledger_entries(id),
        transfer_id uuid REFERENCES money_transfers(id),
        record_kind text,
        record_id text,
        note text,
        -- The support case a mismatch opened (one per line, however often the day is run).
        case_key text,
        raw jsonb,
        CHECK ((status = 'matched') = (case_key IS NULL))
      )`);
    await q.query(
      'CREATE INDEX reconciliation_lines_run ON reconciliation_lines (run_id, at DESC, id DESC)',
    );
    await q.query('CREATE INDEX reconciliation_lines_ref ON reconciliation_lines (kind, our_ref)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reconciliation_lines, reconciliation_runs');
    await q.query('ALTER TABLE ledger_entries DROP COLUMN provider, DROP COLUMN provider_ref');
  }
}
