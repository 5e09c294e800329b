import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbound webhook subscriptions, deliveries and their attempts; inbound partner webhooks. */
export class Webhooks1763932000000 implements MigrationInterface {
  name = 'Webhooks1763932000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organisation_id uuid REFERENCES organisations(id),
        url text NOT NULL,
        event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
        secret text NOT NULL,
        description text,
        active boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX webhook_subscriptions_org ON webhook_subscriptions (organisation_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX webhook_subscriptions_types ON webhook_subscriptions USING gin (event_types) WHERE active',
    );
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id),
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts int NOT NULL DEFAULT 0,
        last_status_code int,
        last_error text,
        delivered_at timestamptz(3),
        replay_of uuid REFERENCES webhook_deliveries(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // One delivery per event and subscriber (a fan-out run twice adds nothing); replays are extra.
    await q.query(`CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries
      (event_id, subscription_id) WHERE replay_of IS NULL`);
    await q.query(
      'CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at, id)',
    );
    await q.query(
      'CREATE INDEX webhook_deliveries_status ON webhook_deliveries (status, created_at, id)',
    );
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id),
        attempt int NOT NULL,
        started_at timestamptz(3) NOT NULL,
        duration_ms int NOT NULL,
        status_code int,
        error text,
        response_excerpt text
      )`);
    await q.query(
      'CREATE INDEX webhook_delivery_attempts_delivery ON webhook_delivery_attempts (delivery_id, id)',
    );
    await q.query(`
      CREATE TABLE inbound_webhook_providers (
        provider text PRIMARY KEY CHECK (provider ~ '^[a-z][a-z0-9-]{1,39}$'),
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE inbound_webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        provider text NOT NULL REFERENCES inbound_webhook_providers(provider),
        event_id text NOT NULL,
        type text NOT NULL,
        payload jsonb NOT NULL,
        handled_by int NOT NULL DEFAULT 0,
        received_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // The same partner event delivered twice is stored and applied once.
    await q.query(
      'CREATE UNIQUE INDEX inbound_webhooks_event ON inbound_webhooks (provider, event_id)',
    );
    await q.query('CREATE INDEX inbound_webhooks_received ON inbound_webhooks (received_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbound_webhooks, inbound_webhook_providers');
    await q.query(
      'DROP TABLE webhook_delivery_attempts, webhook_deliveries, webhook_subscriptions',
    );
  }
}
