import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Receiving (parcels and their exceptions), inspections, calibration tasks, grading settings. */
export class Grading1763900100000 implements MigrationInterface {
  name = 'Grading1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parcels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pickup_id uuid NOT NULL,
        warehouse_id uuid NOT NULL REFERENCES organisations(id),
        seal_number text,
        item_ids uuid[] NOT NULL,
        source jsonb NOT NULL,
        delivered_at timestamptz(3) NOT NULL,
        seal_read text,
        seal_intact boolean,
        scanned_item_ids uuid[] NOT NULL DEFAULT '{}',
        unexpected_codes text[] NOT NULL DEFAULT '{}',
        received_by uuid REFERENCES users(id),
        received_at timestamptz(3),
        state text NOT NULL CHECK (state IN ('EXPECTED', 'RECEIVED', 'RECEIVED_WITH_EXCEPTIONS')),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX parcels_pickup ON parcels (pickup_id)');
    await q.query(
      'CREATE INDEX parcels_warehouse ON parcels (warehouse_id, state, created_at, id)',
    );
    await q.query('CREATE INDEX parcels_state ON parcels (state, created_at, id)');
    await q.query(
      'CREATE INDEX parcels_seal ON parcels (warehouse_id, seal_number) WHERE seal_number IS NOT NULL',
    );
    await q.query('CREATE INDEX parcels_items ON parcels USING gin (item_ids)');

    await q.query(`
      CREATE TABLE receiving_exceptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        parcel_id uuid NOT NULL REFERENCES parcels(id),
        warehouse_id uuid NOT NULL REFERENCES organisations(id),
        kind text NOT NULL
          CHECK (kind IN ('seal-mismatch', 'broken-seal', 'missing-item', 'unexpected-item')),
        item_id uuid REFERENCES items(id),
        code text,
        detail text NOT NULL,
        reported_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX receiving_exceptions_warehouse ON receiving_exceptions (warehouse_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX receiving_exceptions_created ON receiving_exceptions (created_at, id)',
    );
    await q.query('CREATE INDEX receiving_exceptions_parcel ON receiving_exceptions (parcel_id)');
    await q.query(
      'CREATE INDEX receiving_exceptions_item ON receiving_exceptions (item_id) WHERE item_id IS NOT NULL',
    );

    await q.query(`
      CREATE TABLE inspections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        warehouse_id uuid NOT NULL REFERENCES organisations(id),
        supersedes_id uuid REFERENCES inspections(id),
        reason text,
        excluded_grader_id uuid REFERENCES users(id),
        standard_id uuid REFERENCES grading_standards(id),
        standard_code text,
        standard_version int,
        standard_fingerprint text,
        grader_id uuid REFERENCES users(id),
        claimed_at timestamptz(3),
        completed_at timestamptz(3),
        answers jsonb,
        photos jsonb NOT NULL DEFAULT '[]',
        notes text,
        grade text CHECK (grade IN ('premium', 'good', 'scrap')),
        hold boolean,
        report jsonb,
        second_grading jsonb,
        second_grader_id uuid REFERENCES users(id),
        confirmed_by_second_grader boolean NOT NULL DEFAULT false,
        state text NOT NULL CHECK (state IN
          ('PENDING', 'IN_PROGRESS', 'COMPLETED', 'AWAITING_SECOND_GRADER', 'SUPERSEDED')),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // One current inspection per item; superseded reports stay as they were.
    await q.query(
      `CREATE UNIQUE INDEX inspections_current_per_item ON inspections (item_id) WHERE state <> 'SUPERSEDED'`,
    );
    await q.query(
      'CREATE INDEX inspections_warehouse ON inspections (warehouse_id, state, created_at, id)',
    );
    await q.query('CREATE INDEX inspections_state ON inspections (state, created_at, id)');
    await q.query('CREATE INDEX inspections_item ON inspections (item_id, created_at)');

    await q.query(`
      CREATE TABLE calibration_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        inspection_id uuid NOT NULL REFERENCES inspections(id),
        item_id uuid NOT NULL REFERENCES items(id),
        warehouse_id uuid NOT NULL REFERENCES organisations(id),
        category_code text NOT NULL,
        standard_id uuid NOT NULL REFERENCES grading_standards(id),
        first_grader_id uuid NOT NULL REFERENCES users(id),
        first_grade text NOT NULL CHECK (first_grade IN ('premium', 'good', 'scrap')),
        grader_id uuid REFERENCES users(id),
        grade text CHECK (grade IN ('premium', 'good', 'scrap')),
        answers jsonb,
        report jsonb,
        completed_at timestamptz(3),
        state text NOT NULL CHECK (state IN ('OPEN', 'COMPLETED')),
        version int NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (grader_id IS NULL OR grader_id <> first_grader_id)
      )`);
    await q.query(
      'CREATE UNIQUE INDEX calibration_tasks_inspection ON calibration_tasks (inspection_id)',
    );
    await q.query(
      'CREATE INDEX calibration_tasks_warehouse ON calibration_tasks (warehouse_id, state, created_at, id)',
    );
    await q.query('CREATE INDEX calibration_tasks_state ON calibration_tasks (state, created_at)');

    await q.query(`
      CREATE TABLE grading_settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE grading_settings');
    await q.query('DROP TABLE calibration_tasks');
    await q.query('DROP TABLE inspections');
    await q.query('DROP TABLE receiving_exceptions');
    await q.query('DROP TABLE parcels');
  }
}
