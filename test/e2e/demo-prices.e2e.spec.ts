import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { ValuationRefitService } from '../../src/valuation/valuation-refit.service.js';
import { seedMarketSales } from '../../src/valuation/valuation.seed.js';
import { ValuationService } from '../../src/valuation/valuation.service.js';
import { seedContext } from '../support/fixtures.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

/**
 * Issue 22 point 7: on the demo data (catalog, the demo seed's sales history and first fit), an
 * excellent iPhone 15 Pro is quoted what the mainland second-hand market pays for one in late
 * 2026, and resells for more than it was bought for.
 */
describe('demo prices look like the Chinese second-hand market', () => {
  let t: TestApp;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const ctx = seedContext(t);
    await catalogSeed.run(ctx);
    // The demo seed's own history (same seed and size as `npm run seed:demo`), then its fit.
    await seedMarketSales(t.dataSource, t.app.get(ValuationService), {
      seed: 20250101,
      salesCount: 6000,
    });
    await t.app.get(ValuationRefitService).refit('seed');
    const admin = await t.user('admin');
    await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({
        cityCode: 'P900',
        cityName: 'Priceville',
        timeZone: 'Asia/Shanghai',
        sameDay: false,
        windows: [{ start: '09:00', end: '18:00', capacity: 50 }],
        districts: [{ code: 'P90001', name: 'Centre' }],
      })
      .expect(201);
    const found = await t.http.get('/api/v1/product-models?q=iphone 15 pro').expect(200);
    modelId = (found.body.items as Array<{ id: string; code: string }>).find(
      (m) => m.code === 'apple-iphone-15-pro-128',
    )!.id;
  }, 180_000);

  afterAll(() => t?.close());

  it('quotes an excellent iPhone 15 Pro in the market range, and its resale price is higher', async () => {
    const seller = await t.user('customer');
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(seller.auth)
      .send({
        channel: 'online',
        address: {
          cityCode: 'P900',
          districtCode: 'P90001',
          line1: '1 Price St',
          contactName: 'Li Lei',
          contactPhone: '13912345678',
        },
        items: [
          {
            productModelId: modelId,
            declaredCondition: {
              condition: 'excellent',
              powersOn: true,
              screenCracked: false,
              waterDamage: false,
              functional: true,
            },
          },
        ],
      })
      .expect(201);
    const order = await eventually(async () => {
      const o = await t.http
        .get(`/api/v1/trade-ins/${created.body.id}`)
        .set(seller.auth)
        .expect(200);
      return o.body.state === 'QUOTED'
        ? (o.body as {
            items: Array<{
              quote: { amountMinor: number; lines: Array<{ code: string; amountMinor: number }> };
            }>;
          })
        : null;
    });
    const quote = order.items[0].quote;
    // Apple China launch price 7 999 (128 GB, Sep 2023); three years on, an excellent one trades
    // in for roughly 3 500–4 500 yuan (Aihuishou / Paipai ranges, the 256 GB about 500 more).
    expect(quote.amountMinor).toBeGreaterThanOrEqual(350_000);
    expect(quote.amountMinor).toBeLessThanOrEqual(480_000);
    expect(quote.lines.map((l) => l.code)).toContain('trade-in-margin');
    expect(quote.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(quote.amountMinor);

    // The price a merchant lists it at: the engine's suggestion for a premium item.
    const resale = await t.app
      .get(ValuationService)
      .value({ productModelId: modelId, grade: 'premium' });
    expect(resale.amountMinor - quote.amountMinor).toBeGreaterThanOrEqual(30_000);
    expect(resale.amountMinor - quote.amountMinor).toBeLessThanOrEqual(120_000);
  }, 60_000);

  it('keeps the price order of the market: a newer, dearer phone is worth more than an older one', async () => {
    const v = t.app.get(ValuationService);
    const models = (await t.http.get('/api/v1/product-models?q=iphone').expect(200)).body
      .items as Array<{ id: string; code: string }>;
    const id = (code: string) => models.find((m) => m.code === code)!.id;
    const premium = async (code: string) =>
      (await v.value({ productModelId: id(code), grade: 'premium' })).amountMinor;
    const [p16, p15, p14, p13] = await Promise.all([
      premium('apple-iphone-16-pro-128'),
      premium('apple-iphone-15-pro-128'),
      premium('apple-iphone-14-128'),
      premium('apple-iphone-13-128'),
    ]);
    expect(p16).toBeGreaterThan(p15);
    expect(p15).toBeGreaterThan(p14);
    expect(p14).toBeGreaterThan(p13);
    // An iPhone 13 four years on still resells for a fifth or more of its launch price.
    expect(p13).toBeGreaterThan(599_900 * 0.2);
  }, 60_000);
});
