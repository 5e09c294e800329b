import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refurbishment orders (repair by partners, QC by the warehouse) and the parts they fit. */
export class Refurbishment1763950000000 implements MigrationInterface {
  name = 'Refurbishment1763950000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refurbishment_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('OPEN', 'ASSIGNED', 'IN_REPAIR', 'QC', 'DONE',
          'UNREPAIRABLE')),
        version int NOT NULL DEFAULT 1,
        item_id uuid NOT NULL REFERENCES items(id),
        warehouse_id uuid NOT NULL REFERENCES organisations(id),
        partner_id uuid REFERENCES organisations(id),
        inspection_id uuid,
        opened_by uuid REFERENCES users(id),
        category_family text NOT NULL,
        standard_id uuid REFERENCES grading_standards(id),
        standard_code text,
        standard_version int,
        findings jsonb NOT NULL DEFAULT '[]',
        currency text NOT NULL DEFAULT 'CNY',
        expected_resale_minor int NOT NULL CHECK (expected_resale_minor >= 0),
        estimated_repair_cost_minor int NOT NULL CHECK (estimated_repair_cost_minor >= 0),
        scrap_value_minor int NOT NULL CHECK (scrap_value_minor >= 0),
        worth_repairing boolean NOT NULL,
        economics jsonb NOT NULL,
        assigned_at timestamptz(3),
        technician_id uuid REFERENCES users(id),
        repair_started_at timestamptz(3),
        diagnosis text,
        labour_minutes int CHECK (labour_minutes >= 0),
        labour_cost_minor int CHECK (labour_cost_minor >= 0),
        parts_cost_minor int CHECK (parts_cost_minor >= 0),
        repair_cost_minor int CHECK (repair_cost_minor >= 0),
        repair_finished_at timestamptz(3),
        qc_by uuid REFERENCES users(id),
        qc_at timestamptz(3),
        qc_answers jsonb,
        qc_report jsonb,
        qc_grade text CHECK (qc_grade IN ('premium', 'good', 'scrap')),
        qc_passed boolean,
        outcome_reason text,
        closed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (state IN ('OPEN', 'UNREPAIRABLE') OR partner_id IS NOT NULL)
      )`);
    // A job delivered twice (or a hand opening racing it) cannot open two repairs of one item.
    await q.query(`CREATE UNIQUE INDEX refurbishment_orders_active_item ON refurbishment_orders
      (item_id) WHERE state IN ('OPEN', 'ASSIGNED', 'IN_REPAIR', 'QC')`);
    await q.query('CREATE INDEX refurbishment_orders_item ON refurbishment_orders (item_id)');
    await q.query(
      'CREATE INDEX refurbishment_orders_list ON refurbishment_orders (created_at, id)',
    );
    await q.query(
      'CREATE INDEX refurbishment_orders_partner ON refurbishment_orders (partner_id, state)',
    );
    await q.query(
      'CREATE INDEX refurbishment_orders_warehouse ON refurbishment_orders (warehouse_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX refurbishment_orders_state ON refurbishment_orders (state, created_at, id)',
    );

    await q.query(`
      CREATE TABLE refurbishment_parts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES refurbishment_orders(id),
        item_id uuid NOT NULL REFERENCES items(id),
        part_name text NOT NULL CHECK (length(btrim(part_name)) > 0),
        part_number text,
        serial_in text CHECK (serial_in IS NULL OR length(btrim(serial_in)) > 0),
        serial_out text CHECK (serial_out IS NULL OR length(btrim(serial_out)) > 0),
        cost_minor int NOT NULL CHECK (cost_minor >= 0),
        recorded_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // A new part goes into one unit only: its serial is the component's trace.
    await q.query(`CREATE UNIQUE INDEX refurbishment_parts_serial_in ON refurbishment_parts
      (upper(serial_in)) WHERE serial_in IS NOT NULL`);
    await q.query(`CREATE INDEX refurbishment_parts_serial_out ON refurbishment_parts
      (upper(serial_out)) WHERE serial_out IS NOT NULL`);
    await q.query(
      'CREATE INDEX refurbishment_parts_order ON refurbishment_parts (order_id, created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE refurbishment_parts');
    await q.query('DROP TABLE refurbishment_orders');
  }
}
