import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Resale: merchant inventory (the allocation pool), listings, the public market, sale orders. */
export class Resale1763960000000 implements MigrationInterface {
  name = 'Resale1763960000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per item that resale has been told about: in the pool (merchant_id null) or
    // allocated to a merchant. The item's own state says whether it is still for sale.
    await q.query(`
      CREATE TABLE resale_inventory (
        item_id uuid PRIMARY KEY REFERENCES items(id),
        merchant_id uuid REFERENCES organisations(id),
        grade text,
        pooled_at timestamptz(3) NOT NULL DEFAULT now(),
        allocated_at timestamptz(3),
        allocated_by uuid REFERENCES users(id),
        allocation text CHECK (allocation IN ('admin', 'claim')),
        origin_custodian_kind text,
        origin_custodian_id uuid,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX resale_inventory_pool ON resale_inventory (pooled_at, item_id) WHERE merchant_id IS NULL',
    );
    await q.query(
      'CREATE INDEX resale_inventory_merchant ON resale_inventory (merchant_id, allocated_at, item_id)',
    );

    await q.query(`
      CREATE TABLE listings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL
          CHECK (state IN ('DRAFT', 'PUBLISHED', 'RESERVED', 'SOLD', 'WITHDRAWN')),
        version int NOT NULL DEFAULT 1,
        merchant_id uuid NOT NULL REFERENCES organisations(id),
        item_id uuid NOT NULL REFERENCES items(id),
        category_id uuid,
        category_ids uuid[] NOT NULL DEFAULT '{}',
        product_model_id uuid,
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
        search_terms text NOT NULL DEFAULT '',
        price_minor bigint NOT NULL CHECK (price_minor > 0),
        currency text NOT NULL DEFAULT 'CNY',
        suggested_price_minor bigint NOT NULL CHECK (suggested_price_minor >= 0),
        price_floor_minor bigint NOT NULL,
        price_ceiling_minor bigint NOT NULL,
        valuation jsonb NOT NULL DEFAULT '{}',
        grade text NOT NULL CHECK (grade IN ('premium', 'good')),
        grade_labels jsonb NOT NULL,
        inspection jsonb,
        certificates jsonb NOT NULL DEFAULT '[]',
        erasure_status text NOT NULL,
        warranty_months int NOT NULL CHECK (warranty_months BETWEEN 0 AND 60),
        return_window_days int NOT NULL CHECK (return_window_days BETWEEN 0 AND 90),
        published_at timestamptz(3),
        sold_at timestamptz(3),
        withdrawn_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', title || ' ' || description || ' ' || search_terms)
        ) STORED,
        CONSTRAINT listings_price_in_band
          CHECK (price_floor_minor <= price_ceiling_minor),
        CONSTRAINT listings_published_has_date
          CHECK (state IN ('DRAFT', 'WITHDRAWN') OR published_at IS NOT NULL)
      )`);
    // One live listing per item: a sold or withdrawn one does not block relisting a returned item.
    await q.query(
      `CREATE UNIQUE INDEX listings_one_live_per_item ON listings (item_id)
        WHERE state IN ('DRAFT', 'PUBLISHED', 'RESERVED')`,
    );
    await q.query('CREATE INDEX listings_merchant ON listings (merchant_id, created_at, id)');
    await q.query('CREATE INDEX listings_state ON listings (state, created_at, id)');
    // The public market's keyset orders: by price (both directions) and by newest.
    await q.query(
      `CREATE INDEX listings_market_price ON listings (price_minor, id) WHERE state = 'PUBLISHED'`,
    );
    await q.query(
      `CREATE INDEX listings_market_newest ON listings (published_at, id) WHERE state = 'PUBLISHED'`,
    );
    await q.query(
      `CREATE INDEX listings_market_category ON listings USING gin (category_ids) WHERE state = 'PUBLISHED'`,
    );
    await q.query(
      `CREATE INDEX listings_market_search ON listings USING gin (search) WHERE state = 'PUBLISHED'`,
    );

    await q.query(`
      CREATE TABLE sale_orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        state text NOT NULL CHECK (state IN ('PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED',
          'RETURN_REQUESTED', 'RETURNED', 'CANCELLED')),
        version int NOT NULL DEFAULT 1,
        listing_id uuid NOT NULL REFERENCES listings(id),
        item_id uuid NOT NULL REFERENCES items(id),
        merchant_id uuid NOT NULL REFERENCES organisations(id),
        buyer_id uuid NOT NULL REFERENCES users(id),
        price_minor bigint NOT NULL CHECK (price_minor > 0),
        currency text NOT NULL DEFAULT 'CNY',
        grade_sold text NOT NULL,
        shipping_address jsonb NOT NULL,
        reserved_until timestamptz(3) NOT NULL,
        payment_provider text,
        payment_intent_id text UNIQUE,
        payment_event_id text,
        paid_at timestamptz(3),
        carrier text,
        tracking_number text,
        shipped_at timestamptz(3),
        delivered_at timestamptz(3),
        return_window_days int NOT NULL,
        return_requested_at timestamptz(3),
        return_reason text,
        return_address jsonb,
        return_pickup_id uuid,
        return_shipment jsonb NOT NULL DEFAULT '[]',
        return_received_at timestamptz(3),
        return_grade text,
        grade_mismatch boolean,
        returned_at timestamptz(3),
        refund_minor bigint CHECK (refund_minor IS NULL OR refund_minor >= 0),
        refunded_at timestamptz(3),
        cancel_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT sale_orders_refund_within_price CHECK (refund_minor IS NULL OR refund_minor <= price_minor)
      )`);
    // At most one order waiting for payment per listing (the reservation itself).
    await q.query(
      `CREATE UNIQUE INDEX sale_orders_one_pending_per_listing ON sale_orders (listing_id)
        WHERE state = 'PENDING_PAYMENT'`,
    );
    await q.query('CREATE INDEX sale_orders_buyer ON sale_orders (buyer_id, created_at, id)');
    await q.query('CREATE INDEX sale_orders_merchant ON sale_orders (merchant_id, created_at, id)');
    await q.query('CREATE INDEX sale_orders_state ON sale_orders (state, created_at, id)');
    await q.query('CREATE INDEX sale_orders_item ON sale_orders (item_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS sale_orders');
    await q.query('DROP TABLE IF EXISTS listings');
    await q.query('DROP TABLE IF EXISTS resale_inventory');
  }
}
