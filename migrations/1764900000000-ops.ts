import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25: owner notifications that are really sent (what was sent, to whom, in which language,
 * whether it went out), each owner's notification preferences, and indexes for the retention
 * pruning and the outbox metrics.
 */
export class Ops1764900000000 implements MigrationInterface {
  name = 'Ops1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_preferences (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        language text NOT NULL DEFAULT 'zh-CN' CHECK (language IN ('zh-CN', 'en')),
        -- Opted out: no news about orders; account security messages (reset codes) still go.
        opt_out boolean NOT NULL DEFAULT false,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE owner_notifications
        ADD COLUMN status text NOT NULL DEFAULT 'recorded'
          CHECK (status IN ('recorded', 'pending', 'sent', 'skipped', 'undeliverable')),
        ADD COLUMN language text,
        ADD COLUMN recipient text,
        ADD COLUMN subject text,
        ADD COLUMN body text,
        ADD COLUMN attempts int NOT NULL DEFAULT 0,
        ADD COLUMN last_error text,
        ADD COLUMN sent_at timestamptz(3)`);
    // Retention and metrics: finished outbox rows by age, failed ones counted.
    await q.query(
      'CREATE INDEX outbox_completed ON outbox (completed_at) WHERE completed_at IS NOT NULL',
    );
    await q.query('CREATE INDEX outbox_failed ON outbox (failed_at) WHERE failed_at IS NOT NULL');
    await q.query('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX idempotency_keys_created, outbox_failed, outbox_completed');
    await q.query(`
      ALTER TABLE owner_notifications
        DROP COLUMN status, DROP COLUMN language, DROP COLUMN recipient, DROP COLUMN subject,
        DROP COLUMN body, DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN sent_at`);
    await q.query('DROP TABLE notification_preferences');
  }
}
