import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19 (points 3 and 5): the sale order off the happy path (cancel with refund after
 * payment, lost in transit, a failed return pickup, partial refunds with evidence), delivery
 * proven by a carrier's signed webhook or the buyer, idempotent refunds, a rebooked return
 * pickup (pickups get a round), mileage holds on a car's trade-in payout decided by an admin or a
 * warehouse lead, and the ownership transfer recorded by platform staff with its document.
 */
export class SaleOrderComplete1764600000000 implements MigrationInterface {
  name = 'SaleOrderComplete1764600000000';

  async up(q: QueryRunner): Promise<void> {
    // ---- sale orders ----------------------------------------------------------------------
    await q.query('ALTER TABLE sale_orders DROP CONSTRAINT IF EXISTS sale_orders_state_check');
    await q.query(`
      ALTER TABLE sale_orders ADD CONSTRAINT sale_orders_state_check CHECK (state IN
        ('PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED',
         'RETURN_PICKUP_FAILED', 'RETURNED', 'CANCELLED', 'LOST'))`);
    await q.query(`
      ALTER TABLE sale_orders
        ADD COLUMN carrier_account_id uuid,
        ADD COLUMN delivery_proof text CHECK (delivery_proof IN ('carrier', 'buyer')),
        ADD COLUMN delivery_event_id text,
        ADD COLUMN delivery_confirmation_requested_at timestamptz(3),
        ADD COLUMN lost_at timestamptz(3),
        ADD COLUMN lost_reported_by text,
        ADD COLUMN lost_reason text,
        ADD COLUMN return_round int NOT NULL DEFAULT 1,
        ADD COLUMN return_evidence jsonb,
        ADD COLUMN return_damage_minor bigint CHECK (return_damage_minor IS NULL OR return_damage_minor >= 0),
        ADD COLUMN refund_id text,
        ADD COLUMN refund_key text`);
    await q.query(
      `CREATE INDEX sale_orders_tracking ON sale_orders (carrier_account_id, tracking_number)
        WHERE carrier_account_id IS NOT NULL`,
    );

    // ---- carrier accounts and their tracking events ----------------------------------------
    await q.query(`
      CREATE TABLE carrier_accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        carrier text NOT NULL,
        name text NOT NULL,
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      ALTER TABLE sale_orders ADD CONSTRAINT sale_orders_carrier_account
        FOREIGN KEY (carrier_account_id) REFERENCES carrier_accounts(id)`);
    await q.query(`
      CREATE TABLE carrier_tracking_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        carrier_account_id uuid NOT NULL REFERENCES carrier_accounts(id),
        event_id text NOT NULL,
        type text NOT NULL,
        tracking_number text NOT NULL,
        sale_order_id uuid REFERENCES sale_orders(id),
        payload jsonb NOT NULL,
        received_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT carrier_tracking_events_once UNIQUE (carrier_account_id, event_id)
      )`);
    await q.query(
      'CREATE INDEX carrier_tracking_events_order ON carrier_tracking_events (sale_order_id)',
    );

    // ---- the test payment provider's refunds, by idempotency key ---------------------------
    await q.query(`
      CREATE TABLE test_payment_refunds (
        idempotency_key text PRIMARY KEY,
        refund_id text NOT NULL UNIQUE,
        intent_id text NOT NULL,
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        reason text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    // ---- a rebooked return pickup is a new round of the same source -------------------------
    await q.query('ALTER TABLE pickups ADD COLUMN round int NOT NULL DEFAULT 1 CHECK (round >= 1)');
    await q.query('ALTER TABLE pickups DROP CONSTRAINT pickups_one_per_source');
    await q.query(`
      ALTER TABLE pickups ADD CONSTRAINT pickups_one_per_source
        UNIQUE (source_kind, source_id, direction, round)`);

    // ---- mileage holds on trade-in payouts -------------------------------------------------
    await q.query(`
      ALTER TABLE trade_in_items
        ADD COLUMN mileage_hold boolean NOT NULL DEFAULT false,
        ADD COLUMN mileage_hold_detail jsonb,
        ADD COLUMN mileage_decision jsonb`);
    await q.query('ALTER TABLE users ADD COLUMN lead boolean NOT NULL DEFAULT false');

    // ---- the ownership transfer, recorded by platform staff ---------------------------------
    await q.query(`
      ALTER TABLE vehicle_paperwork_tasks
        ADD COLUMN document_number text,
        ADD COLUMN scan_reference text,
        ADD COLUMN warehouse_id uuid REFERENCES organisations(id),
        ADD CONSTRAINT vehicle_paperwork_transfer_document CHECK (
          kind <> 'ownership-transfer' OR state <> 'DONE'
          OR (document_number IS NOT NULL AND scan_reference IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE vehicle_paperwork_tasks DROP CONSTRAINT vehicle_paperwork_transfer_document,
        DROP COLUMN document_number, DROP COLUMN scan_reference, DROP COLUMN warehouse_id`);
    await q.query('ALTER TABLE users DROP COLUMN lead');
    await q.query(`
      ALTER TABLE trade_in_items DROP COLUMN mileage_hold, DROP COLUMN mileage_hold_detail,
        DROP COLUMN mileage_decision`);
    await q.query('ALTER TABLE pickups DROP CONSTRAINT pickups_one_per_source');
    await q.query(`
      ALTER TABLE pickups ADD CONSTRAINT pickups_one_per_source
        UNIQUE (source_kind, source_id, direction)`);
    await q.query('ALTER TABLE pickups DROP COLUMN round');
    await q.query('DROP TABLE test_payment_refunds');
    await q.query('DROP TABLE carrier_tracking_events');
    await q.query('ALTER TABLE sale_orders DROP CONSTRAINT sale_orders_carrier_account');
    await q.query('DROP TABLE carrier_accounts');
    await q.query(`
      ALTER TABLE sale_orders DROP COLUMN carrier_account_id, DROP COLUMN delivery_proof,
        DROP COLUMN delivery_event_id, DROP COLUMN delivery_confirmation_requested_at,
        DROP COLUMN lost_at, DROP COLUMN lost_reported_by, DROP COLUMN lost_reason,
        DROP COLUMN return_round, DROP COLUMN return_evidence, DROP COLUMN return_damage_minor,
        DROP COLUMN refund_id, DROP COLUMN refund_key`);
    await q.query('ALTER TABLE sale_orders DROP CONSTRAINT sale_orders_state_check');
    await q.query(`
      ALTER TABLE sale_orders ADD CONSTRAINT sale_orders_state_check CHECK (state IN
        ('PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'RETURN_REQUESTED', 'RETURNED',
         'CANCELLED'))`);
  }
}
