import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 point 4: an organisation an admin registers as a certified erasure provider may
 * receive items whose storage media are not certified yet (the wipe is then theirs, and the
 * hand-off says so in the item's history). Nobody else outside the operator's warehouses may.
 */
export class CertifiedErasureProviders1764200000000 implements MigrationInterface {
  name = 'CertifiedErasureProviders1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organisations
        ADD COLUMN certified_erasure_provider boolean NOT NULL DEFAULT false,
        ADD COLUMN erasure_certification text,
        ADD COLUMN erasure_certified_by uuid REFERENCES users(id),
        ADD COLUMN erasure_certified_at timestamptz(3)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organisations
        DROP COLUMN certified_erasure_provider,
        DROP COLUMN erasure_certification,
        DROP COLUMN erasure_certified_by,
        DROP COLUMN erasure_certified_at`);
  }
}
