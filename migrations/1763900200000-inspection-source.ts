import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inspections remember where their item came from (trade-in, buyer return, store intake). */
export class InspectionSource1763900200000 implements MigrationInterface {
  name = 'InspectionSource1763900200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE inspections ADD COLUMN source jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE inspections DROP COLUMN source');
  }
}
