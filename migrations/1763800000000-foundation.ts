import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, items with their hash-chained history, the outbox and idempotency keys. */
export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('warehouse', 'store', 'partner', 'merchant')),
        name text NOT NULL,
        city_code text,
        address text,
        capabilities jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('customer','courier','warehouse','technician','merchant','support','admin')),
        organisation_id uuid REFERENCES organisations(id),
        name text NOT NULL,
        phone text,
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX users_email ON users (email)');
    await q.query('CREATE INDEX users_phone ON users (phone)');
    await q.query('CREATE INDEX users_organisation ON users (organisation_id)');

    await q.query(`
      CREATE TABLE items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trace_code text NOT NULL,
        category_id uuid,
        product_model_id uuid,
        serial_number text,
        imei text,
        vin text,
        declared_condition jsonb NOT NULL DEFAULT '{}',
        owner_id uuid REFERENCES users(id),
        custodian_kind text NOT NULL,
        custodian_id uuid,
        grade text CHECK (grade IN ('premium', 'good', 'scrap')),
        erasure_status text NOT NULL CHECK (erasure_status IN ('not_required','pending','certified','destroyed')),
        state text NOT NULL,
        version int NOT NULL DEFAULT 1,
        history_seq int NOT NULL DEFAULT 0,
        history_hash text NOT NULL DEFAULT '',
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX items_trace_code ON items (trace_code)');
    await q.query(
      'CREATE INDEX items_serial ON items (serial_number) WHERE serial_number IS NOT NULL',
    );
    await q.query('CREATE INDEX items_imei ON items (imei) WHERE imei IS NOT NULL');
    await q.query('CREATE INDEX items_vin ON items (vin) WHERE vin IS NOT NULL');
    await q.query('CREATE INDEX items_owner ON items (owner_id)');
    await q.query('CREATE INDEX items_state ON items (state, created_at, id)');

    await q.query(`
      CREATE TABLE item_events (
        id bigserial PRIMARY KEY,
        item_id uuid NOT NULL REFERENCES items(id),
        seq int NOT NULL,
        at timestamptz(3) NOT NULL,
        type text NOT NULL,
        entity text NOT NULL,
        entity_id uuid NOT NULL,
        from_state text,
        to_state text,
        actor_role text NOT NULL,
        actor_id uuid,
        organisation_id uuid,
        custodian_kind text,
        custodian_id uuid,
        place text,
        data jsonb NOT NULL DEFAULT '{}',
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await q.query('CREATE UNIQUE INDEX item_events_item_seq ON item_events (item_id, seq)');
    await q.query('CREATE INDEX item_events_entity ON item_events (entity_id)');
    // Append-only: the history can only grow. A superuser can still force a change (e.g. by
    // disabling the trigger); the hash chain then shows it.
    await q.query(`
      CREATE FUNCTION item_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'item history is append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
    await q.query(`
      CREATE TRIGGER item_events_no_update_delete BEFORE UPDATE OR DELETE ON item_events
      FOR EACH ROW EXECUTE FUNCTION item_events_append_only()`);
    await q.query(`
      CREATE TRIGGER item_events_no_truncate BEFORE TRUNCATE ON item_events
      FOR EACH STATEMENT EXECUTE FUNCTION item_events_append_only()`);

    await q.query(`
      CREATE TABLE outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        queue text NOT NULL,
        name text NOT NULL,
        payload jsonb NOT NULL,
        run_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        published_at timestamptz,
        completed_at timestamptz,
        failed_at timestamptz,
        last_error text,
        republished int NOT NULL DEFAULT 0
      )`);
    await q.query(
      'CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL',
    );
    await q.query(`CREATE INDEX outbox_in_flight ON outbox (id)
      WHERE published_at IS NOT NULL AND completed_at IS NULL AND failed_at IS NULL`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        status_code int,
        response jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);

    await q.query(`
      CREATE TABLE owner_notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_id text NOT NULL,
        user_id uuid NOT NULL,
        channel text NOT NULL,
        template text NOT NULL,
        params jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX owner_notifications_job ON owner_notifications (job_id)');
    await q.query(
      'CREATE INDEX owner_notifications_user ON owner_notifications (user_id, created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE owner_notifications, idempotency_keys, outbox');
    await q.query('DROP TABLE item_events');
    await q.query('DROP FUNCTION item_events_append_only');
    await q.query('DROP TABLE items, users, organisations');
  }
}
