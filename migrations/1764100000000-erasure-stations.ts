import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 points 1–2: registered wiping stations with their Ed25519 public keys (the private
 * key stays on the station), and wipes assigned to a station and a device on it, with the
 * progress the station reports while it runs.
 */
export class ErasureStations1764100000000 implements MigrationInterface {
  name = 'ErasureStations1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(btrim(name)) > 0),
        organisation_id uuid NOT NULL REFERENCES organisations(id),
        public_key_pem text NOT NULL,
        key_id text NOT NULL UNIQUE,
        registered_by uuid REFERENCES users(id),
        revoked_at timestamptz(3),
        revoked_by uuid REFERENCES users(id),
        revocation_reason text,
        last_seen_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (organisation_id, name)
      )`);
    await q.query(`ALTER TABLE erasures DROP CONSTRAINT erasures_station_check`);
    await q.query(`
      ALTER TABLE erasures
        ADD CONSTRAINT erasures_station_check CHECK (station IN ('simulated', 'external', 'station')),
        ADD COLUMN station_id uuid REFERENCES stations(id),
        ADD COLUMN device text,
        ADD COLUMN progress jsonb,
        ADD CONSTRAINT erasures_station_device CHECK ((station_id IS NULL) = (device IS NULL))`);
    // The station's poll: its queued wipes, oldest first.
    await q.query(`CREATE INDEX erasures_station_queue ON erasures (station_id, created_at)
      WHERE station_id IS NOT NULL AND state IN ('QUEUED', 'RUNNING')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX erasures_station_queue');
    await q.query(`
      ALTER TABLE erasures
        DROP CONSTRAINT erasures_station_device,
        DROP COLUMN progress,
        DROP COLUMN device,
        DROP COLUMN station_id,
        DROP CONSTRAINT erasures_station_check`);
    await q.query(
      `ALTER TABLE erasures ADD CONSTRAINT erasures_station_check CHECK (station IN ('simulated', 'external'))`,
    );
    await q.query('DROP TABLE stations');
  }
}
