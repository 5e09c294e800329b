import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23 (point 1): the double-entry ledger. Accounts per party and purpose; journal entries
 * whose lines (integer minor units, a currency on every line) sum to zero per currency — checked
 * by the database at commit; append-only like the item history.
 */
export class MoneyLedger1765000000000 implements MigrationInterface {
  name = 'MoneyLedger1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('seller-payable', 'refunds-payable', 'merchant-payable',
          'platform-commission', 'platform-purchases', 'platform-recycling-revenue',
          'recycler-receivable', 'provider-clearing')),
        party_kind text NOT NULL CHECK (party_kind IN ('user', 'organisation', 'platform', 'provider')),
        party_id text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((party_kind = 'platform') = (party_id IS NULL))
      )`);
    await q.query(`
      CREATE TABLE ledger_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL,
        -- Derived from the record that causes the entry: posting it again does nothing.
        key text NOT NULL UNIQUE,
        ref_kind text NOT NULL,
        ref_id text NOT NULL,
        memo text NOT NULL DEFAULT '',
        posted_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX ledger_entries_ref ON ledger_entries (ref_kind, ref_id)');
    await q.query('CREATE INDEX ledger_entries_posted ON ledger_entries (posted_at, id)');
    await q.query(`
      CREATE TABLE ledger_lines (
        id bigserial PRIMARY KEY,
        entry_id uuid NOT NULL REFERENCES ledger_entries(id),
        account_id uuid NOT NULL REFERENCES ledger_accounts(id),
        -- Debit positive, credit negative; never zero, never a fraction.
        amount_minor bigint NOT NULL CHECK (amount_minor <> 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        posted_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX ledger_lines_entry ON ledger_lines (entry_id)');
    await q.query('CREATE INDEX ledger_lines_account ON ledger_lines (account_id, posted_at)');

    // Every entry balances per currency, checked once the transaction commits (its lines are
    // inserted one statement at a time).
    await q.query(`
      CREATE FUNCTION ledger_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE unbalanced text;
      BEGIN
        SELECT string_agg(currency || ' ' || total::text, ', ') INTO unbalanced FROM (
          SELECT currency, sum(amount_minor) AS total FROM ledger_lines
           WHERE entry_id = NEW.entry_id GROUP BY currency HAVING sum(amount_minor) <> 0) t;
        IF unbalanced IS NOT NULL THEN
          RAISE EXCEPTION 'journal entry % does not balance: %', NEW.entry_id, unbalanced
            USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER ledger_lines_balanced AFTER INSERT ON ledger_lines
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced()`);

    // Append-only, as the item history: a correction is a new, reversing entry.
    await q.query(`
      CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = '42501';
      END $$`);
    for (const table of ['ledger_accounts', 'ledger_entries', 'ledger_lines']) {
      await q.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ledger_append_only()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ledger_lines, ledger_entries, ledger_accounts');
    await q.query('DROP FUNCTION ledger_append_only, ledger_entry_balanced');
  }
}
