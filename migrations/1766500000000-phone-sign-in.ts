import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (point 2): a customer signs up with a mainland mobile number and a password; the
 * e-mail becomes optional. `login_phone` is the number one signs in with (E.164, unique); the
 * contact `phone` stays as it was (staff and older customers may share a contact number).
 */
export class PhoneSignIn1766500000000 implements MigrationInterface {
  name = 'PhoneSignIn1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users ALTER COLUMN email DROP NOT NULL');
    await q.query('ALTER TABLE users ADD COLUMN login_phone text');
    await q.query(
      'CREATE UNIQUE INDEX users_login_phone_key ON users (login_phone) WHERE login_phone IS NOT NULL',
    );
    await q.query(
      `ALTER TABLE users ADD CONSTRAINT users_email_or_login_phone
         CHECK (email IS NOT NULL OR login_phone IS NOT NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE users DROP CONSTRAINT users_email_or_login_phone');
    await q.query('DROP INDEX users_login_phone_key');
    await q.query('ALTER TABLE users DROP COLUMN login_phone');
    await q.query('ALTER TABLE users ALTER COLUMN email SET NOT NULL');
  }
}
