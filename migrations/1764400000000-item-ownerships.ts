import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18 point 1: ownership of an item as data. One row per period an owner held title to the
 * item — the seller, the platform once it paid out, the buyer from delivery, the platform again
 * after a completed return — bounded by the item's history sequence numbers (both ends
 * inclusive: the transfer event is in both periods), so each party's timeline is exactly the
 * events of its own periods. `items.owner_id` stays the current owner user (null: the platform).
 */
export class ItemOwnerships1764400000000 implements MigrationInterface {
  name = 'ItemOwnerships1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE item_ownerships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        owner_kind text NOT NULL CHECK (owner_kind IN ('user', 'platform', 'organisation')),
        owner_id uuid,
        from_seq int NOT NULL CHECK (from_seq >= 0),
        to_seq int,
        from_at timestamptz(3) NOT NULL,
        to_at timestamptz(3),
        cause text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((owner_kind = 'platform') = (owner_id IS NULL)),
        CHECK ((to_seq IS NULL) = (to_at IS NULL)),
        CHECK (to_seq IS NULL OR to_seq >= from_seq)
      )`);
    // One open period per item; a party's periods by owner; an item's in order.
    await q.query(
      'CREATE UNIQUE INDEX item_ownerships_open ON item_ownerships (item_id) WHERE to_seq IS NULL',
    );
    await q.query(
      `CREATE INDEX item_ownerships_owner ON item_ownerships (owner_id, item_id)
        WHERE owner_id IS NOT NULL`,
    );
    await q.query('CREATE INDEX item_ownerships_item ON item_ownerships (item_id, from_seq)');
    // Items registered before: one open period for whoever owns them now.
    await q.query(`
      INSERT INTO item_ownerships (item_id, owner_kind, owner_id, from_seq, from_at, cause)
      SELECT id, CASE WHEN owner_id IS NULL THEN 'platform' ELSE 'user' END, owner_id, 0,
             created_at, 'registered'
        FROM items`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE item_ownerships');
  }
}
