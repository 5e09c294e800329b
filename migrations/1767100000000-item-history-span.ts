import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 27 (history that grows for years): `item_events` is partitioned by month on `at`, and
 * an item's events were read by `item_id` alone, so every passport and timeline probed the
 * index of every month the platform ever had — a cost that grew by one partition a month.
 * Each item now keeps the time of its first and last history entry, kept by the append that
 * already advances its head; readers bound `at` by them and PostgreSQL skips the other months.
 * Existing items get theirs from their history (one pass over it: plan a maintenance window
 * for a large history, as for the partitioning).
 */
export class ItemHistorySpan1767100000000 implements MigrationInterface {
  name = 'ItemHistorySpan1767100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE items ADD COLUMN history_first_at timestamptz(3),
                                     ADD COLUMN history_last_at timestamptz(3)`);
    await q.query(`
      UPDATE items i SET history_first_at = s.first_at, history_last_at = s.last_at
        FROM (SELECT item_id, min(at) AS first_at, max(at) AS last_at
                FROM item_events GROUP BY item_id) s
       WHERE i.id = s.item_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE items DROP COLUMN history_first_at, DROP COLUMN history_last_at');
  }
}
