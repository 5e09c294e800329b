import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recycling lots: scrap items of a warehouse gathered for one recycler, sealed, handed, settled. */
export class Recycling1763950000001 implements MigrationInterface {
  name = 'Recycling1763950000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recycling_lots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('OPEN', 'SEALED', 'HANDED_OVER', 'SETTLED')),
        version int NOT NULL DEFAULT 1,
        warehouse_id uuid NOT NULL REFERENCES organisations(id),
        recycler_id uuid NOT NULL REFERENCES organisations(id),
        item_count int CHECK (item_count >= 0),
        estimated_weight_grams int CHECK (estimated_weight_grams >= 0),
        declared_weight_grams int CHECK (declared_weight_grams > 0),
        seal_number text,
        sealed_at timestamptz(3),
        sealed_by uuid REFERENCES users(id),
        handoff jsonb,
        handed_over_at timestamptz(3),
        reported_weight_grams int CHECK (reported_weight_grams > 0),
        reported_value_minor int CHECK (reported_value_minor >= 0),
        expected_value_minor int CHECK (expected_value_minor >= 0),
        currency text NOT NULL DEFAULT 'CNY',
        certificate_kind text CHECK (certificate_kind IN ('recycling', 'destruction')),
        certificate_ref text,
        weight_discrepancy_share double precision,
        discrepancy_flagged boolean NOT NULL DEFAULT false,
        settled_at timestamptz(3),
        settled_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (state = 'OPEN' OR (item_count > 0 AND declared_weight_grams IS NOT NULL)),
        CHECK (state IN ('OPEN', 'SEALED') OR handoff IS NOT NULL),
        CHECK (state <> 'SETTLED' OR certificate_ref IS NOT NULL)
      )`);
    // Scrap of a warehouse gathers in one open lot per recycler; a sealed lot takes no more.
    await q.query(`CREATE UNIQUE INDEX recycling_lots_open ON recycling_lots
      (warehouse_id, recycler_id) WHERE state = 'OPEN'`);
    await q.query('CREATE INDEX recycling_lots_list ON recycling_lots (created_at, id)');
    await q.query(
      'CREATE INDEX recycling_lots_warehouse ON recycling_lots (warehouse_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX recycling_lots_recycler ON recycling_lots (recycler_id, created_at, id)',
    );
    await q.query('CREATE INDEX recycling_lots_state ON recycling_lots (state, created_at, id)');

    await q.query(`
      CREATE TABLE recycling_lot_items (
        lot_id uuid NOT NULL REFERENCES recycling_lots(id),
        item_id uuid NOT NULL REFERENCES items(id),
        weight_grams int NOT NULL CHECK (weight_grams >= 0),
        scrap_value_minor int NOT NULL CHECK (scrap_value_minor >= 0),
        reason text NOT NULL,
        added_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (lot_id, item_id)
      )`);
    // An item is recycled once: it belongs to one lot.
    await q.query('CREATE UNIQUE INDEX recycling_lot_items_item ON recycling_lot_items (item_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE recycling_lot_items');
    await q.query('DROP TABLE recycling_lots');
  }
}
