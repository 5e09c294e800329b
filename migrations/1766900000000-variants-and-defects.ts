import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 26 (point 2): a product model's variants (storage, RAM, carrier lock, edition) are their
 * own price points, chosen on a trade-in; a past sale may name the defects it was sold with, so
 * their deductions can be learned from the sales.
 */
export class VariantsAndDefects1766900000000 implements MigrationInterface {
  name = 'VariantsAndDefects1766900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE product_variants (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      product_model_id uuid NOT NULL REFERENCES product_models(id) ON DELETE CASCADE,
      code text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('storage', 'ram', 'carrier-lock', 'edition')),
      label text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      UNIQUE (product_model_id, code))`);
    await q.query(`ALTER TABLE market_sales ADD COLUMN defects text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE trade_in_items ADD COLUMN variant text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE trade_in_items DROP COLUMN variant`);
    await q.query(`ALTER TABLE market_sales DROP COLUMN defects`);
    await q.query(`DROP TABLE product_variants`);
  }
}
