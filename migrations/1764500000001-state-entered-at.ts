import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table whose rows run through a state machine (StatefulEntity). */
const STATEFUL_TABLES = [
  'items',
  'trade_in_orders',
  'trade_in_items',
  'pickups',
  'erasures',
  'parcels',
  'inspections',
  'calibration_tasks',
  'refurbishment_orders',
  'recycling_lots',
  'listings',
  'sale_orders',
  'support_cases',
  'vehicle_paperwork_tasks',
];

/**
 * Issue 19 (point 2), the sweeper for stuck work: every stateful row records when it entered
 * its state (`state_entered_at`, set by TransitionService), indexed with the state for the
 * sweeper's "past the limit" query; and the escalations the sweeper made, one per stay in a
 * state, so a row is escalated once and support's queue shows its case.
 */
export class StateEnteredAt1764500000001 implements MigrationInterface {
  name = 'StateEnteredAt1764500000001';

  async up(q: QueryRunner): Promise<void> {
    for (const table of STATEFUL_TABLES) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN state_entered_at timestamptz(3)`);
      // Rows already there: their last change is the best we know. It is no earlier than the
      // real entry into the state, so the sweeper may act late on them, never early.
      await q.query(`UPDATE ${table} SET state_entered_at = updated_at`);
      await q.query(`
        ALTER TABLE ${table}
          ALTER COLUMN state_entered_at SET DEFAULT now(),
          ALTER COLUMN state_entered_at SET NOT NULL`);
      await q.query(
        `CREATE INDEX ${table}_state_entered ON ${table} (state, state_entered_at, id)`,
      );
    }
    await q.query(`
      CREATE TABLE stuck_escalations (
        machine text NOT NULL,
        entity_id uuid NOT NULL,
        state text NOT NULL,
        state_entered_at timestamptz(3) NOT NULL,
        follow_up text NOT NULL,
        case_key text NOT NULL,
        reason text,
        escalated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (machine, entity_id, state_entered_at)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stuck_escalations');
    for (const table of STATEFUL_TABLES) {
      await q.query(`DROP INDEX ${table}_state_entered`);
      await q.query(`ALTER TABLE ${table} DROP COLUMN state_entered_at`);
    }
  }
}
