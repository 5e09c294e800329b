import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

/** Issue 26, point 1: sales history from another channel, imported by the operator as CSV. */
describe('valuation: sales import', () => {
  let t: TestApp;
  let admin: TestUser;
  let phone: { code: string; category: string };
  let car: { code: string; category: string };

  beforeAll(async () => {
    t = await createTestApp();
    await catalogSeed.run({
      app: t.app,
      dataSource: t.dataSource,
      organisations: {},
      users: {},
      log: () => undefined,
    });
    admin = await t.user('admin');
    const pick = async (where: string) =>
      (
        await t.dataSource.query<Array<{ code: string; category: string }>>(
          `SELECT p.code, c.code AS category FROM product_models p
             JOIN categories c ON c.id = p.category_id
             LEFT JOIN categories parent ON parent.id = c.parent_id
            WHERE p.launch_price_minor IS NOT NULL AND ${where} ORDER BY p.code LIMIT 1`,
        )
      )[0];
    phone = await pick(`p.code = 'apple-iphone-15-128'`);
    car = await pick(`parent.code IN ('passenger-cars', 'new-energy-vehicles')`);
  }, 60_000);
  afterAll(() => t.close());

  const upload = (content: string, who: TestUser = admin) =>
    t.http.post('/api/v1/valuation/sales/import').set(who.auth).send({ content });

  const quote = async () =>
    (
      await t.http
        .post('/api/v1/valuation/estimate')
        .set(admin.auth)
        .send({
          productModelId: (
            await t.dataSource.query<Array<{ id: string }>>(
              'SELECT id FROM product_models WHERE code = $1',
              [phone.code],
            )
          )[0].id,
          grade: 'good',
        })
        .expect(200)
    ).body as { amountMinor: number; details: { comparablesUsed: number } };

  const day = (daysAgo: number) =>
    new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

  it('imports good rows once, feeds comparables at once, and re-importing adds nothing', async () => {
    const before = await quote();
    const csv = [
      'category,model,variant,grade,sold_at,price_minor,currency,mileage_km,first_registration,region,use',
      `${phone.category},${phone.code},128GB,good,${day(3)},310000,CNY,,,,`,
      `${phone.category},${phone.code},128GB,good,${day(5)},305000,CNY,,,,`,
      `${car.category},${car.code},,good,${day(9)},8800000,CNY,62000,2021-03-15,沪,ride-hailing`,
    ].join('\n');
    const first = await upload(csv).expect(200);
    expect(first.body).toEqual({ rows: 3, imported: 3, alreadyImported: 0 });
    const again = await upload(csv).expect(200);
    expect(again.body).toEqual({ rows: 3, imported: 0, alreadyImported: 3 });

    const rows = await t.dataSource.query<
      Array<{ variant: string | null; mileage_km: number | null; vehicle_use: string | null }>
    >(`SELECT variant, mileage_km, vehicle_use FROM market_sales WHERE source = 'import'
        ORDER BY price_minor`);
    expect(rows).toEqual([
      { variant: '128GB', mileage_km: null, vehicle_use: null },
      { variant: '128GB', mileage_km: null, vehicle_use: null },
      { variant: null, mileage_km: 62000, vehicle_use: 'ride-hailing' },
    ]);
    const after = await quote();
    expect(after.details.comparablesUsed).toBe(before.details.comparablesUsed + 2);
  });

  it('answers every bad row by line and field, and keeps nothing of the file', async () => {
    const csv = [
      'model,category,grade,sold_at,price_minor',
      `${phone.code},${phone.category},good,${day(2)},299000`,
      `no-such-model,${phone.category},good,${day(2)},299000`,
      `${phone.code},${phone.category},mint,${day(2)},12.5`,
      `${phone.code},laptops,good,2999-01-01,299000`,
      `${phone.code},${phone.category},good,${day(2)},`,
    ].join('\r\n');
    const res = await upload(csv).expect(400);
    const fields = (res.body.fields as Array<{ field: string }>).map((f) => f.field);
    expect(fields).toEqual([
      'line 3: model',
      'line 4: grade',
      'line 4: price_minor',
      'line 5: category',
      'line 5: sold_at',
      'line 6: price_minor',
    ]);
    expect(res.body.message).toContain('nothing was imported');
    const kept = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM market_sales WHERE source = 'import' AND price_minor = 299000`,
    );
    expect(kept).toHaveLength(0);
  });

  it('refuses an unreadable file, a wrong header and other roles', async () => {
    await upload('').expect(400);
    await upload('model,price\nx,1').expect(400);
    const header = await upload('category,model,grade,sold_at\nphones,x,good,2026-01-01').expect(
      400,
    );
    expect(header.body.message).toContain('missing: price_minor');
    await upload('category,model,grade,sold_at,price_minor\n"unclosed,x').expect(400);
    for (const role of ['support', 'merchant', 'customer', 'warehouse'] as const) {
      await upload('x', await t.user(role)).expect(403);
    }
  });
});
