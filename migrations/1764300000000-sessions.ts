import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions that last a shift (issue 18): a per-user token version (raised on disable, password
 * change and reset, so older access tokens stop working at once), rotating refresh tokens (only
 * a hash is stored; one family per login; a rotated token used again revokes its family), and
 * one-time password reset codes (hashed, short-lived, limited attempts).
 */
export class Sessions1764300000000 implements MigrationInterface {
  name = 'Sessions1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ADD COLUMN token_version int NOT NULL DEFAULT 0');
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz(3) NOT NULL,
        rotated_at timestamptz(3),
        revoked_at timestamptz(3),
        revoked_reason text,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)');
    await q.query(
      'CREATE INDEX refresh_tokens_user_live ON refresh_tokens (user_id) WHERE revoked_at IS NULL',
    );
    await q.query(`
      CREATE TABLE password_reset_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        code_hash text NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        used_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX password_reset_codes_user ON password_reset_codes (user_id, created_at)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE password_reset_codes, refresh_tokens');
    await q.query('ALTER TABLE users DROP COLUMN token_version');
  }
}
