import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26 (point 1): a sale refunded or returned stops teaching the valuation the moment the
 * refund is asked — comparables and refits read only sales that still stand; imported sales
 * carry what the file says of them (variant; a car's mileage and use).
 */
export class WithdrawnSales1766600000000 implements MigrationInterface {
  name = 'WithdrawnSales1766600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE market_sales
      ADD COLUMN withdrawn_at timestamptz(3), ADD COLUMN withdrawn_reason text,
      ADD COLUMN variant text, ADD COLUMN mileage_km integer, ADD COLUMN vehicle_use text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE market_sales DROP COLUMN withdrawn_at, DROP COLUMN withdrawn_reason,
      DROP COLUMN variant, DROP COLUMN mileage_km, DROP COLUMN vehicle_use`,
    );
  }
}
