import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24: status list slots come from a sequence instead of a counter row, so issuing a
 * certificate no longer holds a lock every other certifying transaction waits on. Slot n is
 * index n % 131072 of list `revocation-(n / 131072 + 1)`; slots already given are skipped.
 */
export class StatusSlots1766000000001 implements MigrationInterface {
  name = 'StatusSlots1766000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SEQUENCE credential_status_slots AS bigint MINVALUE 0 START 0');
    await q.query(`
      SELECT setval('credential_status_slots', coalesce(max(
               (substring(status_list FROM 'revocation-([0-9]+)')::bigint - 1) * 131072
               + status_index) + 1, 0), false)
        FROM certificates WHERE status_list IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SEQUENCE credential_status_slots');
  }
}
