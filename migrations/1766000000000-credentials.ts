import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24: certificates as W3C Verifiable Credentials with a Bitstring Status List entry, and
 * signed checkpoints of every item's history head (a Merkle root), with the leaves kept so an
 * item's inclusion proof can be given against any checkpoint.
 */
export class Credentials1766000000000 implements MigrationInterface {
  name = 'Credentials1766000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credential_status_lists (
        id text PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('revocation')),
        length int NOT NULL CHECK (length >= 131072),
        next_index int NOT NULL DEFAULT 0,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK (next_index <= length)
      )`);
    await q.query(
      `INSERT INTO credential_status_lists (id, purpose, length) VALUES ('revocation-1', 'revocation', 131072)`,
    );
    // Certificates issued before this change have no credential (their Ed25519 document stays).
    await q.query(`
      ALTER TABLE certificates
        ADD COLUMN credential jsonb,
        ADD COLUMN status_list text REFERENCES credential_status_lists(id),
        ADD COLUMN status_index int,
        ADD CONSTRAINT certificates_status_entry CHECK ((status_list IS NULL) = (status_index IS NULL))`);
    await q.query(
      'CREATE UNIQUE INDEX certificates_status_slot ON certificates (status_list, status_index) WHERE status_list IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX certificates_revoked_slots ON certificates (status_list, status_index) WHERE revoked_at IS NOT NULL',
    );
    // What was signed never changes; only a revocation may be added (now the credential too).
    await q.query(`
      CREATE OR REPLACE FUNCTION certificates_signed_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.document IS DISTINCT FROM OLD.document OR NEW.signature IS DISTINCT FROM OLD.signature
           OR NEW.key_id IS DISTINCT FROM OLD.key_id OR NEW.number IS DISTINCT FROM OLD.number
           OR NEW.credential IS DISTINCT FROM OLD.credential
           OR NEW.status_list IS DISTINCT FROM OLD.status_list
           OR NEW.status_index IS DISTINCT FROM OLD.status_index THEN
          RAISE EXCEPTION 'a signed certificate cannot be changed' USING ERRCODE = '42501';
        END IF;
        IF OLD.revoked_at IS NOT NULL AND NEW.revoked_at IS DISTINCT FROM OLD.revoked_at THEN
          RAISE EXCEPTION 'a revocation cannot be undone' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);

    await q.query(`
      CREATE TABLE history_checkpoints (
        number int PRIMARY KEY CHECK (number > 0),
        checkpoint_at timestamptz(3) NOT NULL,
        item_count int NOT NULL CHECK (item_count >= 0),
        merkle_root text NOT NULL,
        key_id text NOT NULL REFERENCES signing_keys(key_id),
        credential jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX history_checkpoints_created ON history_checkpoints (created_at, number)',
    );
    await q.query(`
      CREATE TABLE history_checkpoint_leaves (
        checkpoint int NOT NULL REFERENCES history_checkpoints(number),
        position int NOT NULL,
        item_id uuid NOT NULL,
        seq int NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (checkpoint, position)
      )`);
    await q.query(
      'CREATE UNIQUE INDEX history_checkpoint_leaves_item ON history_checkpoint_leaves (item_id, checkpoint)',
    );
    // Checkpoints are published once and never edited; a superuser can still force it, and the
    // signature on the root (a key not in the database) shows it.
    await q.query(`
      CREATE FUNCTION history_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'history checkpoints are append-only: % refused', TG_OP USING ERRCODE = '42501';
      END $$`);
    for (const table of ['history_checkpoints', 'history_checkpoint_leaves']) {
      await q.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION history_checkpoints_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE history_checkpoint_leaves, history_checkpoints');
    await q.query('DROP FUNCTION history_checkpoints_append_only');
    await q.query(`
      CREATE OR REPLACE FUNCTION certificates_signed_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.document IS DISTINCT FROM OLD.document OR NEW.signature IS DISTINCT FROM OLD.signature
           OR NEW.key_id IS DISTINCT FROM OLD.key_id OR NEW.number IS DISTINCT FROM OLD.number THEN
          RAISE EXCEPTION 'a signed certificate cannot be changed' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query('DROP INDEX certificates_revoked_slots');
    await q.query('DROP INDEX certificates_status_slot');
    await q.query(`ALTER TABLE certificates DROP CONSTRAINT certificates_status_entry,
      DROP COLUMN status_index, DROP COLUMN status_list, DROP COLUMN credential`);
    await q.query('DROP TABLE credential_status_lists');
  }
}
