import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Trade-in orders, their items (quote, final offer, explanation), payouts and the blocklist. */
export class Acquisition1763921000000 implements MigrationInterface {
  name = 'Acquisition1763921000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE trade_in_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('QUOTING','QUOTED','ACCEPTED','IN_TRANSIT','INSPECTING',
          'OFFER_PENDING','COMPLETED','RETURNING','RETURNED','CANCELLED','EXPIRED')),
        version int NOT NULL DEFAULT 1,
        customer_id uuid NOT NULL REFERENCES users(id),
        channel text NOT NULL CHECK (channel IN ('online', 'store')),
        store_id uuid,
        store_organisation_id uuid REFERENCES organisations(id),
        address jsonb NOT NULL,
        service_area jsonb,
        currency text NOT NULL DEFAULT 'CNY',
        quoted_total_minor bigint CHECK (quoted_total_minor >= 0),
        quoted_at timestamptz(3),
        quote_valid_until timestamptz(3),
        accepted_at timestamptz(3),
        collected_at timestamptz(3),
        settled_at timestamptz(3),
        pickup jsonb,
        held boolean NOT NULL DEFAULT false,
        hold_reasons jsonb NOT NULL DEFAULT '[]',
        fraud jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (channel = 'online' OR store_id IS NOT NULL)
      )`);
    await q.query(
      'CREATE INDEX trade_in_orders_customer ON trade_in_orders (customer_id, created_at, id)',
    );
    await q.query('CREATE INDEX trade_in_orders_state ON trade_in_orders (state, created_at, id)');
    await q.query('CREATE INDEX trade_in_orders_list ON trade_in_orders (created_at, id)');
    await q.query('CREATE INDEX trade_in_orders_held ON trade_in_orders (held) WHERE held');

    await q.query(`
      CREATE TABLE trade_in_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('AWAITING_INSPECTION','SECOND_GRADING','OFFER_PENDING',
          'ACCEPTED','RETURNING','RETURNED','CANCELLED')),
        version int NOT NULL DEFAULT 1,
        order_id uuid NOT NULL REFERENCES trade_in_orders(id),
        customer_id uuid NOT NULL REFERENCES users(id),
        item_id uuid NOT NULL UNIQUE REFERENCES items(id),
        position int NOT NULL CHECK (position BETWEEN 1 AND 20),
        product_model_id uuid,
        category_id uuid NOT NULL,
        special_packaging boolean NOT NULL DEFAULT false,
        declared_condition jsonb NOT NULL,
        serial_number text,
        imei text,
        serial_norm text,
        imei_norm text,
        quote jsonb,
        quoted_minor bigint CHECK (quoted_minor >= 0),
        final jsonb,
        final_minor bigint CHECK (final_minor >= 0),
        explanation jsonb,
        inspection_id uuid,
        grade text CHECK (grade IN ('premium', 'good', 'scrap')),
        confirmed_by_second_grader boolean NOT NULL DEFAULT false,
        warehouse_id uuid,
        received_at timestamptz(3),
        payout_frozen boolean NOT NULL DEFAULT false,
        frozen_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (order_id, position)
      )`);
    await q.query('CREATE INDEX trade_in_items_customer ON trade_in_items (customer_id)');
    await q.query(
      'CREATE INDEX trade_in_items_imei ON trade_in_items (imei_norm) WHERE imei_norm IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX trade_in_items_serial ON trade_in_items (serial_norm) WHERE serial_norm IS NOT NULL',
    );

    // One payout per trade-in item, ever: the unique key is the last guard against a double pay.
    await q.query(`
      CREATE TABLE trade_in_payouts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES trade_in_orders(id),
        trade_in_item_id uuid NOT NULL UNIQUE REFERENCES trade_in_items(id),
        item_id uuid NOT NULL REFERENCES items(id),
        customer_id uuid NOT NULL REFERENCES users(id),
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        currency text NOT NULL DEFAULT 'CNY',
        status text NOT NULL CHECK (status IN ('payable', 'frozen')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX trade_in_payouts_order ON trade_in_payouts (order_id)');
    await q.query('CREATE INDEX trade_in_payouts_customer ON trade_in_payouts (customer_id)');

    await q.query(`
      CREATE TABLE identifier_blocklist (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        identifier text NOT NULL UNIQUE,
        reason text,
        created_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX identifier_blocklist_list ON identifier_blocklist (created_at, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      'DROP TABLE identifier_blocklist, trade_in_payouts, trade_in_items, trade_in_orders',
    );
  }
}
