import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { seedDemo } from '../../src/seed/seed-steps.js';
import { seedContext } from '../support/fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

describe('demo seed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const counts = async () =>
    (
      await t.dataSource.query<Array<Record<string, number>>>(
        `SELECT (SELECT count(*)::int FROM users) AS users,
                (SELECT count(*)::int FROM organisations) AS organisations,
                (SELECT count(*)::int FROM categories WHERE level = 3) AS leaves,
                (SELECT count(*)::int FROM product_models) AS models,
                (SELECT count(*)::int FROM service_areas) AS areas,
                (SELECT count(*)::int FROM market_sales) AS sales,
                (SELECT count(*)::int FROM listings WHERE state = 'PUBLISHED') AS listings,
                (SELECT count(*)::int FROM items) AS items`,
      )
    )[0];

  it('builds a realistic demo once, and changes nothing the second time', async () => {
    const ctx = () => seedContext(t);
    await seedDemo(ctx());
    const first = await counts();
    expect(first.leaves).toBeGreaterThanOrEqual(40);
    expect(first.areas).toBeGreaterThanOrEqual(10);
    expect(first.sales).toBeGreaterThan(1000);
    expect(first.listings).toBeGreaterThan(5);
    const roles = await t.dataSource.query<Array<{ role: string }>>(
      'SELECT DISTINCT role FROM users ORDER BY role',
    );
    expect(roles.map((r) => r.role)).toEqual([
      'admin',
      'courier',
      'customer',
      'merchant',
      'support',
      'technician',
      'warehouse',
    ]);
    await seedDemo(ctx());
    expect(await counts()).toEqual(first);
  }, 180_000);
});
