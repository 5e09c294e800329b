import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Valuation: the sales history comparables and refits learn from, and fitted parameter sets. */
export class Valuation1763920000000 implements MigrationInterface {
  name = 'Valuation1763920000000';

  async up(q: QueryRunner): Promise<void> {
    // Facts are copied at sale time (launch price, age, category path) so a refit never depends
    // on later catalog edits. No foreign key to the catalog: sales outlive product models.
    await q.query(`
      CREATE TABLE market_sales (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_model_id uuid,
        category_id uuid NOT NULL,
        category_code text NOT NULL,
        grade text NOT NULL CHECK (grade IN ('premium', 'good', 'scrap')),
        price_minor bigint NOT NULL CHECK (price_minor > 0),
        currency text NOT NULL DEFAULT 'CNY',
        launch_price_minor bigint NOT NULL CHECK (launch_price_minor > 0),
        item_age_years double precision NOT NULL CHECK (item_age_years >= 0),
        sold_at timestamptz(3) NOT NULL,
        region text,
        source text NOT NULL,
        source_ref text,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE INDEX market_sales_comparables ON market_sales (product_model_id, grade, sold_at DESC)',
    );
    await q.query(
      'CREATE INDEX market_sales_category ON market_sales (category_id, grade, sold_at DESC)',
    );
    await q.query('CREATE INDEX market_sales_sold_at ON market_sales (sold_at)');
    await q.query(
      'CREATE UNIQUE INDEX market_sales_source_ref ON market_sales (source, source_ref) WHERE source_ref IS NOT NULL',
    );

    await q.query(`
      CREATE TABLE valuation_params (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        version text NOT NULL UNIQUE,
        params jsonb NOT NULL,
        diagnostics jsonb NOT NULL DEFAULT '{}',
        metrics jsonb NOT NULL DEFAULT '{}',
        sales_count int NOT NULL DEFAULT 0,
        trigger text NOT NULL,
        active boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      'CREATE UNIQUE INDEX valuation_params_one_active ON valuation_params (active) WHERE active',
    );
    await q.query(
      'CREATE INDEX valuation_params_created ON valuation_params (created_at DESC, id)',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE valuation_params, market_sales');
  }
}
