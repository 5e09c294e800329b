import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Support cases (spec §3 SupportCase) with their notes. */
export class SupportCases1763931000000 implements MigrationInterface {
  name = 'SupportCases1763931000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE support_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED')),
        version int NOT NULL DEFAULT 1,
        kind text NOT NULL,
        origin text NOT NULL CHECK (origin IN ('platform', 'manual')),
        dedupe_key text,
        summary text NOT NULL,
        order_kind text,
        order_id uuid,
        item_ids uuid[] NOT NULL DEFAULT '{}',
        customer_id uuid REFERENCES users(id),
        organisation_id uuid REFERENCES organisations(id),
        assignee_id uuid REFERENCES users(id),
        opened_by uuid REFERENCES users(id),
        detail jsonb NOT NULL DEFAULT '{}',
        sla_due_at timestamptz(3) NOT NULL,
        sla_breached_at timestamptz(3),
        resolved_at timestamptz(3),
        resolution text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((order_kind IS NULL) = (order_id IS NULL))
      )`);
    // A platform job delivered twice opens one case.
    await q.query('CREATE UNIQUE INDEX support_cases_dedupe ON support_cases (dedupe_key)');
    await q.query('CREATE INDEX support_cases_state ON support_cases (state, created_at, id)');
    await q.query('CREATE INDEX support_cases_kind ON support_cases (kind, created_at, id)');
    await q.query(
      'CREATE INDEX support_cases_assignee ON support_cases (assignee_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX support_cases_customer ON support_cases (customer_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX support_cases_order ON support_cases (order_id) WHERE order_id IS NOT NULL',
    );
    await q.query('CREATE INDEX support_cases_items ON support_cases USING gin (item_ids)');
    // The breach filter: unresolved cases past their due time.
    await q.query(
      'CREATE INDEX support_cases_sla_open ON support_cases (sla_due_at) WHERE resolved_at IS NULL',
    );
    await q.query(`
      CREATE TABLE support_case_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES support_cases(id),
        author_id uuid REFERENCES users(id),
        author_role text NOT NULL,
        internal boolean NOT NULL,
        body text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX support_case_notes_case ON support_case_notes (case_id, created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE support_case_notes, support_cases');
  }
}
