import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Vehicles (issue 14): one live item per VIN, the car's identity and registration, its mileage
 * history with the owner's consent to import dealer records, paperwork tasks of a car's sale, and
 * the collection mode of a pickup (a car is inspected at the address, not put in a bag).
 */
export class Vehicles1763970000000 implements MigrationInterface {
  name = 'Vehicles1763970000000';

  async up(q: QueryRunner): Promise<void> {
    // Live = not in a terminal state: a car sold, scrapped, handed back or never sent may come
    // back as a new item; two live items with one VIN are a cloned or double-sold car.
    await q.query(`
      CREATE UNIQUE INDEX items_one_live_per_vin ON items (vin)
       WHERE vin IS NOT NULL
         AND state NOT IN ('SOLD', 'RECYCLED', 'DESTROYED', 'RETURNED_TO_OWNER', 'CANCELLED')`);
    await q.query(`
      CREATE TABLE vehicles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vin text NOT NULL UNIQUE CHECK (vin ~ '^[0-9A-HJ-NPR-Z]{17}$'),
        wmi text NOT NULL,
        region text,
        country text,
        check_digit text NOT NULL CHECK (check_digit IN ('valid', 'not-applicable')),
        model_year int,
        model_year_resolved_by text,
        plate text,
        province text,
        registration_city_code text,
        registration_city_name text,
        first_registered_on date,
        use text NOT NULL DEFAULT 'private'
          CHECK (use IN ('private', 'taxi', 'ride-hailing', 'rental', 'commercial')),
        mileage_status text NOT NULL DEFAULT 'clear'
          CHECK (mileage_status IN ('clear', 'rollback-suspected', 'implausible')),
        mileage_evidence jsonb NOT NULL DEFAULT '[]',
        credible_km int,
        latest_km int,
        yearly_km int,
        flagged_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      "CREATE INDEX vehicles_flagged ON vehicles (flagged_at, id) WHERE mileage_status <> 'clear'",
    );
    await q.query(`
      CREATE TABLE vehicle_mileage_readings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vin text NOT NULL REFERENCES vehicles(vin),
        km int NOT NULL CHECK (km >= 0),
        read_on date NOT NULL,
        source text NOT NULL
          CHECK (source IN ('owner-declaration', 'inspection', 'dealer-maintenance', 'listing')),
        trust text NOT NULL CHECK (trust IN ('high', 'medium', 'low')),
        source_ref text,
        dedupe_key text NOT NULL UNIQUE,
        item_id uuid REFERENCES items(id),
        recorded_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX vehicle_mileage_readings_vin ON vehicle_mileage_readings (vin, read_on)',
    );
    await q.query(`
      CREATE TABLE vehicle_record_consents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        vin text NOT NULL REFERENCES vehicles(vin),
        owner_id uuid NOT NULL REFERENCES users(id),
        scope text NOT NULL CHECK (scope IN ('dealer-maintenance-records')),
        statement text NOT NULL,
        granted_at timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE UNIQUE INDEX vehicle_record_consents_active
        ON vehicle_record_consents (vin, owner_id, scope) WHERE revoked_at IS NULL`);
    await q.query(`
      CREATE TABLE vehicle_paperwork_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('OPEN', 'DONE', 'BLOCKED')),
        version int NOT NULL DEFAULT 1,
        sale_order_id uuid NOT NULL,
        item_id uuid NOT NULL REFERENCES items(id),
        vin text,
        kind text NOT NULL CHECK (kind IN ('ownership-transfer', 'registration', 'insurance')),
        merchant_organisation_id uuid REFERENCES organisations(id),
        buyer_id uuid REFERENCES users(id),
        reference text,
        blocked_reason text,
        done_at timestamptz(3),
        done_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT vehicle_paperwork_one_per_kind UNIQUE (sale_order_id, kind)
      )`);
    await q.query(
      'CREATE INDEX vehicle_paperwork_state ON vehicle_paperwork_tasks (state, created_at, id)',
    );
    await q.query(
      'CREATE INDEX vehicle_paperwork_merchant ON vehicle_paperwork_tasks (merchant_organisation_id, created_at, id)',
    );
    await q.query('CREATE INDEX vehicle_paperwork_item ON vehicle_paperwork_tasks (item_id)');
    // A car is not put in a bag: an inspector checks it at the owner's address and drives it in.
    await q.query(`
      ALTER TABLE pickups ADD COLUMN mode text NOT NULL DEFAULT 'parcel'
        CHECK (mode IN ('parcel', 'inspection-at-address'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE pickups DROP COLUMN mode');
    await q.query(
      'DROP TABLE vehicle_paperwork_tasks, vehicle_record_consents, vehicle_mileage_readings, vehicles',
    );
    await q.query('DROP INDEX items_one_live_per_vin');
  }
}
