import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (point 2): where owner messages reach phones (an SMS gateway), signing up with a mobile
 * number needs a one-time code sent to it. Codes are kept as HMACs only, like reset codes; a
 * verified number is marked on the account.
 */
export class SignUpCodes1766700000000 implements MigrationInterface {
  name = 'SignUpCodes1766700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sign_up_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        phone text NOT NULL,
        code_hash text NOT NULL,
        expires_at timestamptz(3) NOT NULL,
        attempts int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        used_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX sign_up_codes_phone ON sign_up_codes (phone, created_at)');
    await q.query('ALTER TABLE users ADD COLUMN phone_verified_at timestamptz(3)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP COLUMN phone_verified_at');
    await q.query('DROP TABLE sign_up_codes');
  }
}
