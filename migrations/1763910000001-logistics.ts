import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pickups (one shipment model with a direction) and the couriers' service areas. */
export class Logistics1763910000001 implements MigrationInterface {
  name = 'Logistics1763910000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE couriers (
        user_id uuid PRIMARY KEY REFERENCES users(id),
        capacity_per_window int NOT NULL CHECK (capacity_per_window >= 0),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE courier_areas (
        courier_id uuid NOT NULL REFERENCES couriers(user_id) ON DELETE CASCADE,
        city_code text NOT NULL REFERENCES service_areas(city_code),
        PRIMARY KEY (courier_id, city_code)
      )`);
    await q.query('CREATE INDEX courier_areas_city ON courier_areas (city_code)');

    await q.query(`
      CREATE TABLE pickups (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL,
        version int NOT NULL DEFAULT 1,
        direction text NOT NULL
          CHECK (direction IN ('inbound', 'return-to-owner', 'buyer-return', 'store-consolidation')),
        source_kind text NOT NULL CHECK (source_kind IN ('trade-in', 'sale-order', 'store-intake')),
        source_id uuid NOT NULL,
        customer_id uuid REFERENCES users(id),
        item_ids uuid[] NOT NULL CHECK (cardinality(item_ids) BETWEEN 1 AND 100),
        address jsonb NOT NULL,
        area_code text NOT NULL REFERENCES service_areas(city_code),
        district_code text NOT NULL,
        time_zone text NOT NULL,
        warehouse_id uuid REFERENCES organisations(id),
        store_id uuid REFERENCES organisations(id),
        requested_at timestamptz(3) NOT NULL,
        special_packaging boolean NOT NULL DEFAULT false,
        promised_date date NOT NULL,
        window_index int NOT NULL,
        window_start timestamptz(3) NOT NULL,
        window_end timestamptz(3) NOT NULL,
        same_day boolean NOT NULL,
        attempt int NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        failures jsonb NOT NULL DEFAULT '[]',
        late_attempt int,
        courier_id uuid REFERENCES users(id),
        seal_number text,
        photo_refs jsonb NOT NULL DEFAULT '[]',
        collected_at timestamptz(3),
        delivered_at timestamptz(3),
        cancel_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pickups_one_per_source UNIQUE (source_kind, source_id, direction)
      )`);
    // Booked capacity per area window, dispatch of scheduled pickups, couriers' days, lists.
    await q.query(
      "CREATE INDEX pickups_area_window ON pickups (area_code, promised_date, window_index) WHERE state <> 'CANCELLED'",
    );
    await q.query(
      "CREATE INDEX pickups_scheduled ON pickups (promised_date, window_index) WHERE state = 'SCHEDULED'",
    );
    await q.query(
      'CREATE INDEX pickups_courier_day ON pickups (courier_id, promised_date, window_start) WHERE courier_id IS NOT NULL',
    );
    await q.query('CREATE INDEX pickups_state ON pickups (state, created_at, id)');
    await q.query('CREATE INDEX pickups_created ON pickups (created_at, id)');
    await q.query('CREATE INDEX pickups_customer ON pickups (customer_id)');
    await q.query('CREATE INDEX pickups_warehouse ON pickups (warehouse_id)');
    await q.query('CREATE INDEX pickups_store ON pickups (store_id) WHERE store_id IS NOT NULL');
    await q.query('CREATE INDEX pickups_items ON pickups USING gin (item_ids)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE pickups, courier_areas, couriers');
  }
}
