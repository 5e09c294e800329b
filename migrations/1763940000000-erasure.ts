import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Erasure: storage media per item, one erasure per medium wipe, signed certificates and keys. */
export class Erasure1763940000000 implements MigrationInterface {
  name = 'Erasure1763940000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE storage_media (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        position int NOT NULL CHECK (position >= 1),
        media_type text NOT NULL CHECK (media_type IN ('hdd', 'ssd', 'flash', 'emmc')),
        interface text CHECK (interface IN ('nvme', 'sata', 'ufs', 'mmc', 'usb')),
        serial text CHECK (serial IS NULL OR length(btrim(serial)) > 0),
        manufacturer text,
        model text,
        capacity_bytes bigint NOT NULL CHECK (capacity_bytes > 0),
        source text NOT NULL CHECK (source IN ('catalog', 'registered')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (item_id, position)
      )`);
    await q.query(
      'CREATE INDEX storage_media_serial ON storage_media (upper(serial)) WHERE serial IS NOT NULL',
    );

    await q.query(`
      CREATE TABLE erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        item_id uuid NOT NULL REFERENCES items(id),
        medium_id uuid NOT NULL REFERENCES storage_media(id),
        state text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'VERIFYING', 'SUCCEEDED',
          'FAILED', 'AWAITING_DESTRUCTION', 'DESTROYED')),
        version int NOT NULL DEFAULT 1,
        place text NOT NULL CHECK (place IN ('warehouse', 'on-site')),
        organisation_id uuid REFERENCES organisations(id),
        owner_id uuid REFERENCES users(id),
        requested_by uuid REFERENCES users(id),
        operator_id text NOT NULL,
        operator_name text NOT NULL,
        policy text NOT NULL CHECK (policy IN ('nist-clear', 'nist-purge', 'cn-2027')),
        station text NOT NULL CHECK (station IN ('simulated', 'external')),
        attempt int NOT NULL DEFAULT 1 CHECK (attempt >= 1),
        max_attempts int NOT NULL CHECK (max_attempts >= 1),
        plan jsonb,
        runs jsonb NOT NULL DEFAULT '[]',
        violations jsonb NOT NULL DEFAULT '[]',
        failure_reason text,
        next_attempt_at timestamptz(3),
        lease_until timestamptz(3),
        destruction jsonb,
        batch_id text NOT NULL,
        sampled boolean NOT NULL DEFAULT false,
        reverifier_id uuid REFERENCES users(id),
        reverified_by uuid REFERENCES users(id),
        reverification_outcome text CHECK (reverification_outcome IN ('passed', 'failed')),
        reverified_at timestamptz(3),
        reverification_notes text,
        completed_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (reverified_by IS NULL OR reverified_by::text <> operator_id)
      )`);
    // A StartErasure delivered twice (or raced) cannot open two wipes of one medium.
    await q.query(`CREATE UNIQUE INDEX erasures_open_per_medium ON erasures (medium_id)
      WHERE state IN ('QUEUED', 'RUNNING', 'VERIFYING', 'FAILED', 'AWAITING_DESTRUCTION')`);
    await q.query('CREATE INDEX erasures_item ON erasures (item_id)');
    await q.query('CREATE INDEX erasures_state ON erasures (state, created_at, id)');
    await q.query(
      'CREATE INDEX erasures_organisation ON erasures (organisation_id, created_at, id)',
    );
    await q.query("CREATE INDEX erasures_batch ON erasures (batch_id) WHERE state = 'SUCCEEDED'");

    await q.query(`
      CREATE TABLE signing_keys (
        key_id text PRIMARY KEY,
        algorithm text NOT NULL CHECK (algorithm = 'Ed25519'),
        public_key_pem text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE certificates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number text NOT NULL UNIQUE,
        kind text NOT NULL CHECK (kind IN ('erasure', 'destruction')),
        erasure_id uuid NOT NULL REFERENCES erasures(id),
        medium_id uuid NOT NULL REFERENCES storage_media(id),
        item_id uuid NOT NULL REFERENCES items(id),
        organisation_id uuid REFERENCES organisations(id),
        owner_id uuid REFERENCES users(id),
        document jsonb NOT NULL,
        signature text NOT NULL,
        key_id text NOT NULL REFERENCES signing_keys(key_id),
        issued_at timestamptz(3) NOT NULL,
        revoked_at timestamptz(3),
        revocation_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT certificates_one_per_wipe UNIQUE (erasure_id)
      )`);
    await q.query('CREATE INDEX certificates_item ON certificates (item_id)');
    await q.query('CREATE INDEX certificates_medium ON certificates (medium_id)');
    await q.query(
      'CREATE INDEX certificates_organisation ON certificates (organisation_id, created_at, id)',
    );
    await q.query('CREATE INDEX certificates_owner ON certificates (owner_id, created_at, id)');
    // What was signed never changes; only a revocation may be added.
    await q.query(`
      CREATE FUNCTION certificates_signed_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.document IS DISTINCT FROM OLD.document OR NEW.signature IS DISTINCT FROM OLD.signature
           OR NEW.key_id IS DISTINCT FROM OLD.key_id OR NEW.number IS DISTINCT FROM OLD.number THEN
          RAISE EXCEPTION 'a signed certificate cannot be changed' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER certificates_immutable BEFORE UPDATE ON certificates
      FOR EACH ROW EXECUTE FUNCTION certificates_signed_content_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE certificates');
    await q.query('DROP FUNCTION certificates_signed_content_immutable');
    await q.query('DROP TABLE signing_keys, erasures, storage_media');
  }
}
