import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 (point 2): the revocation bits of the status lists belong to credentials, not to
 * erasure's `certificates` table, which the list credential used to read. Erasure now tells the
 * status lists which slots it revoked; the slots already revoked are copied over.
 */
export class StatusRevocations1766860000000 implements MigrationInterface {
  name = 'StatusRevocations1766860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credential_status_revocations (
        list_id text NOT NULL REFERENCES credential_status_lists(id),
        status_index int NOT NULL CHECK (status_index >= 0),
        revoked_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (list_id, status_index)
      )`);
    await q.query(`
      INSERT INTO credential_status_revocations (list_id, status_index, revoked_at)
      SELECT status_list, status_index, revoked_at FROM certificates
       WHERE status_list IS NOT NULL AND revoked_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE credential_status_revocations');
  }
}
