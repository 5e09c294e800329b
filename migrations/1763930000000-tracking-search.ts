import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Support search (issue [tracking]): the exact-match keys not yet indexed by the foundation.
 * E-mails are stored lower-cased (users_email serves `email = lower($1)`), phones in E.164
 * (users_phone), trace codes normalised (items_trace_code), IMEIs as digits (items_imei).
 */
export class TrackingSearch1763930000000 implements MigrationInterface {
  name = 'TrackingSearch1763930000000';

  async up(q: QueryRunner): Promise<void> {
    // Serial numbers and VINs are typed in any case by support staff.
    await q.query(
      'CREATE INDEX items_serial_upper ON items (upper(serial_number)) WHERE serial_number IS NOT NULL',
    );
    await q.query('CREATE INDEX items_vin_upper ON items (upper(vin)) WHERE vin IS NOT NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX items_vin_upper');
    await q.query('DROP INDEX items_serial_upper');
  }
}
