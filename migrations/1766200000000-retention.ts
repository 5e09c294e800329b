import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25, point 5: indexes for the retention pruning — finished owner notifications by age,
 * and replays by the delivery they replay (a delivery a replay names is kept).
 */
export class Retention1766200000000 implements MigrationInterface {
  name = 'Retention1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX owner_notifications_created ON owner_notifications (created_at)');
    await q.query(
      'CREATE INDEX webhook_deliveries_replay_of ON webhook_deliveries (replay_of) WHERE replay_of IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX webhook_deliveries_replay_of, owner_notifications_created');
  }
}
