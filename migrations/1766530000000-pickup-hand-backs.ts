import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (point 5): a courier may hand back a pickup they cannot make. The couriers who handed
 * it back are kept on the pickup so that the dispatch run does not give it straight back to them.
 */
export class PickupHandBacks1766530000000 implements MigrationInterface {
  name = 'PickupHandBacks1766530000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE pickups ADD COLUMN handed_back_by uuid[] NOT NULL DEFAULT '{}'::uuid[]`,
    );
    // The dispatch board reads a day's pickups (optionally of one area).
    await q.query(
      'CREATE INDEX IF NOT EXISTS pickups_promised_date_area ON pickups (promised_date, area_code)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX IF EXISTS pickups_promised_date_area');
    await q.query('ALTER TABLE pickups DROP COLUMN handed_back_by');
  }
}
