import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Catalog (reference data): category tree, product models and versioned grading standards. */
export class Catalog1763900000000 implements MigrationInterface {
  name = 'Catalog1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE grading_standards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'),
        version int NOT NULL CHECK (version >= 1),
        name text NOT NULL,
        definition jsonb NOT NULL,
        fingerprint text NOT NULL,
        published_by uuid REFERENCES users(id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        UNIQUE (code, version)
      )`);
    await q.query(`
      CREATE TABLE categories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'),
        name text NOT NULL,
        name_zh text NOT NULL,
        parent_id uuid REFERENCES categories(id),
        level int NOT NULL CHECK (level BETWEEN 1 AND 3),
        requires_erasure boolean,
        identifier text CHECK (identifier IN ('imei', 'serial', 'vin', 'none')),
        standard_code text,
        typical_weight_grams int CHECK (typical_weight_grams > 0),
        scrap_value_minor int CHECK (scrap_value_minor >= 0),
        storage_media jsonb,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CHECK ((level = 1) = (parent_id IS NULL)),
        CHECK (level < 3 OR (requires_erasure IS NOT NULL AND identifier IS NOT NULL
          AND standard_code IS NOT NULL AND typical_weight_grams IS NOT NULL
          AND scrap_value_minor IS NOT NULL AND storage_media IS NOT NULL)),
        CHECK (level = 3 OR (requires_erasure IS NULL AND identifier IS NULL
          AND standard_code IS NULL AND storage_media IS NULL))
      )`);
    await q.query('CREATE UNIQUE INDEX categories_code ON categories (code)');
    await q.query('CREATE INDEX categories_parent ON categories (parent_id)');
    await q.query('CREATE INDEX categories_level ON categories (level)');

    await q.query(`
      CREATE TABLE product_models (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        brand text NOT NULL,
        model text NOT NULL,
        category_id uuid NOT NULL REFERENCES categories(id),
        launch_date date,
        launch_price_minor bigint CHECK (launch_price_minor >= 0),
        currency text NOT NULL DEFAULT 'CNY' CHECK (currency ~ '^[A-Z]{3}$'),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE UNIQUE INDEX product_models_code ON product_models (code)');
    await q.query(
      'CREATE INDEX product_models_category ON product_models (category_id, created_at, id)',
    );
    await q.query('CREATE INDEX product_models_created ON product_models (created_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE product_models');
    await q.query('DROP TABLE categories');
    await q.query('DROP TABLE grading_standards');
  }
}
