import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Service areas (cities with districts, cut-off, pickup windows) and drop-off stores. */
export class ServiceAreas1763910000000 implements MigrationInterface {
  name = 'ServiceAreas1763910000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_areas (
        city_code text PRIMARY KEY,
        city_name text NOT NULL,
        city_name_zh text,
        time_zone text NOT NULL,
        cutoff_hour int NOT NULL CHECK (cutoff_hour BETWEEN 0 AND 23),
        same_day boolean NOT NULL,
        windows jsonb NOT NULL CHECK (jsonb_typeof(windows) = 'array'),
        booking_days_ahead int NOT NULL CHECK (booking_days_ahead >= 1),
        min_lead_minutes int NOT NULL CHECK (min_lead_minutes >= 0),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    // District codes are unique across all areas (an address names one district).
    await q.query(`
      CREATE TABLE service_area_districts (
        code text PRIMARY KEY,
        city_code text NOT NULL REFERENCES service_areas(city_code) ON DELETE CASCADE,
        name text NOT NULL,
        name_zh text
      )`);
    await q.query('CREATE INDEX service_area_districts_city ON service_area_districts (city_code)');
    await q.query(`
      CREATE TABLE drop_off_stores (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        name_zh text,
        city_code text NOT NULL,
        district_code text NOT NULL,
        address text NOT NULL,
        opening_hours text,
        organisation_id uuid UNIQUE REFERENCES organisations(id),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX drop_off_stores_city ON drop_off_stores (city_code) WHERE active');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE drop_off_stores, service_area_districts, service_areas');
  }
}
