import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 22 (point 5): support finds what callers actually say — the last four digits of a phone,
 * a name, the start of a trace code or IMEI (trigram indexes, which serve LIKE with a wildcard
 * on either side), and an order by the start of its id as the console prints it.
 */
export class SupportSearch1766400000000 implements MigrationInterface {
  name = 'SupportSearch1766400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await q.query('CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops)');
    await q.query(
      'CREATE INDEX users_phone_trgm ON users USING gin (phone gin_trgm_ops) WHERE phone IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX items_trace_code_trgm ON items USING gin (trace_code gin_trgm_ops)',
    );
    await q.query(
      'CREATE INDEX items_imei_trgm ON items USING gin (imei gin_trgm_ops) WHERE imei IS NOT NULL',
    );
    await q.query(
      'CREATE INDEX trade_in_orders_number ON trade_in_orders ((id::text) text_pattern_ops)',
    );
    await q.query('CREATE INDEX sale_orders_number ON sale_orders ((id::text) text_pattern_ops)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_name_trgm, users_phone_trgm, items_trace_code_trgm,
      items_imei_trgm, trade_in_orders_number, sale_orders_number`);
  }
}
