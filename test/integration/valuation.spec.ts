import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { RefitValuation } from '../../src/core/jobs/job-catalogue.js';
import { DEFAULT_PARAMS_VERSION } from '../../src/valuation/engine/params.js';
import { generateSalesForModels } from '../../src/valuation/engine/synthetic-market.js';
import { mape } from '../../src/valuation/engine/fit.js';
import {
  REFIT_SCHEDULER_ID,
  ValuationRefitService,
} from '../../src/valuation/valuation-refit.service.js';
import { demoMarketParams, seedMarketSales } from '../../src/valuation/valuation.seed.js';
import { ValuationService } from '../../src/valuation/valuation.service.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

describe('valuation', () => {
  let t: TestApp;
  let admin: TestUser;
  let valuation: ValuationService;
  const end = new Date();

  beforeAll(async () => {
    t = await createTestApp();
    await catalogSeed.run({
      app: t.app,
      dataSource: t.dataSource,
      organisations: {},
      users: {},
      log: () => undefined,
    });
    valuation = t.app.get(ValuationService);
    admin = await t.user('admin');
  }, 60_000);
  afterAll(() => t.close());

  it('prices from launch price and declared condition before any sales or refit', async () => {
    const [model] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM product_models WHERE code = 'apple-iphone-15-128'`,
    );
    const v = await valuation.value({
      productModelId: model.id,
      declaredCondition: { condition: 'excellent' },
    });
    expect(v.paramsVersion).toBe(DEFAULT_PARAMS_VERSION);
    expect(v.basis).toBe('product-model');
    expect(v.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(v.amountMinor);
    expect(v.lowMinor).toBeLessThanOrEqual(v.amountMinor);
    expect(v.highMinor).toBeGreaterThanOrEqual(v.amountMinor);
    expect(v.details.comparablesUsed).toBe(0);
  });

  it('refits on the valuation queue and beats the launch-price-only estimate', async () => {
    await seedMarketSales(t.dataSource, valuation, { seed: 11, salesCount: 4000, end });
    const customer = await t.user('customer');
    await t.http.post('/api/v1/valuation/refit').set(customer.auth).expect(403);
    const res = await t.http.post('/api/v1/valuation/refit').set(admin.auth).expect(202);
    expect(res.body).toMatchObject({ requested: true, jobId: expect.any(String) });
    const active = await eventually(async () => {
      const r = await t.http.get('/api/v1/valuation/params').set(admin.auth).expect(200);
      return r.body.active?.trigger === 'admin' ? r.body.active : null;
    }, 30_000);
    expect(active.version).toMatch(/^fit-/);
    expect(active.salesCount).toBe(4000);
    // Held-out quality recorded with the version: fitted beats launch price × family defaults.
    expect(active.metrics.fittedMape).toBeLessThan(active.metrics.launchPriceOnlyMape);

    // And on fresh sales of the same market, through the service (comparables included).
    const models = await t.dataSource.query<
      Array<{ id: string; category_id: string; launch_price_minor: string; launch_date: string }>
    >(`SELECT id, category_id, launch_price_minor, launch_date::text FROM product_models`);
    const known = await Promise.all(
      models.map(async (m) => ({
        id: m.id,
        categoryCode: (await valuation.categoryPath(m.category_id)).code,
        launchPriceMinor: Number(m.launch_price_minor),
        launchDate: new Date(`${m.launch_date}T00:00:00Z`),
      })),
    );
    const fresh = generateSalesForModels({
      seed: 99,
      models: known,
      salesCount: 150,
      noiseSigma: 0.1,
      modelEffectSigma: 0.06,
      end,
      years: 0.5,
      trueParams: demoMarketParams,
    });
    const score = async (paramsVersion: string) => {
      const pairs: Array<{ actual: number; predicted: number }> = [];
      for (const s of fresh) {
        const v = await valuation.value({
          productModelId: s.productModelId,
          grade: s.grade,
          valuationDate: s.soldAt,
          paramsVersion,
        });
        pairs.push({ actual: s.priceMinor, predicted: v.amountMinor });
      }
      return mape(pairs);
    };
    const fitted = await score(active.version as string);
    const launchOnly = await score(DEFAULT_PARAMS_VERSION);
    expect(fitted).toBeLessThan(launchOnly * 0.8);
  }, 60_000);

  it('runs one refit at a time, and has a schedule on the valuation queue', async () => {
    const refit = t.app.get(ValuationRefitService);
    const other = new pg.Client({ connectionString: t.config.databaseUrl });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(731550001)');
      expect(await refit.refit('admin')).toEqual({
        status: 'skipped',
        reason: 'another refit is running',
      });
      await other.query('SELECT pg_advisory_unlock(731550001)');
      expect(await refit.refit('admin')).toMatchObject({ status: 'fitted' });
    } finally {
      await other.end();
    }
    const queue = t.app.get(QueueService).queue(RefitValuation.queue);
    const scheduler = await eventually(() => queue.getJobScheduler(REFIT_SCHEDULER_ID));
    expect(scheduler).toMatchObject({ name: RefitValuation.name, pattern: '0 3 * * *' });
  });

  it('values by category alone with less confidence, and uses comparables of the same model', async () => {
    const [model] = await t.dataSource.query<Array<{ id: string; category_id: string }>>(
      `SELECT id, category_id FROM product_models WHERE code = 'apple-iphone-15-128'`,
    );
    const byModel = await valuation.value({ productModelId: model.id, grade: 'premium' });
    const byCategory = await valuation.value({ categoryId: model.category_id, grade: 'premium' });
    expect(byModel.details.comparablesUsed).toBeGreaterThan(0);
    expect(byCategory.basis).toBe('category');
    expect(byCategory.confidence).toBeLessThan(byModel.confidence);
    const est = await t.http
      .post('/api/v1/valuation/estimate')
      .set(admin.auth)
      .send({ productModelId: model.id, grade: 'good' })
      .expect(200);
    expect(est.body.amountMinor).toBeLessThan(byModel.amountMinor);
    await t.http
      .post('/api/v1/valuation/estimate')
      .set(admin.auth)
      .send({ productModelId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
  });

  it('keeps the live parameters when a refit on poisoned history scores worse, and says so', async () => {
    const live = (await t.http.get('/api/v1/valuation/params').set(admin.auth).expect(200)).body
      .active as { version: string };
    // Someone slips in a copy of the older sales at a quarter of their price (backdated, so
    // they land in what the refit trains on, not in the recent sales it is scored on).
    await t.dataSource.query(
      `INSERT INTO market_sales (product_model_id, category_id, category_code, grade, price_minor,
         currency, launch_price_minor, item_age_years, sold_at, region, source)
       SELECT product_model_id, category_id, category_code, grade, greatest(1, price_minor / 4),
         currency, launch_price_minor, item_age_years, sold_at, region, 'poison'
         FROM market_sales
        WHERE source = 'synthetic-seed'
          AND sold_at < (SELECT percentile_disc(0.6) WITHIN GROUP (ORDER BY sold_at)
                           FROM market_sales WHERE withdrawn_at IS NULL)`,
    );
    const outcome = await t.app.get(ValuationRefitService).refit('admin');
    expect(outcome).toMatchObject({ status: 'fitted', promoted: false });
    const after = (await t.http.get('/api/v1/valuation/params').set(admin.auth).expect(200))
      .body as {
      active: { version: string };
      versions: Array<{
        version: string;
        active: boolean;
        metrics: {
          fittedMape: number;
          liveMape: number;
          fittedCoverage: number;
          liveCoverage: number;
          promoted: boolean;
          decision: string;
        };
      }>;
    };
    expect(after.active.version).toBe(live.version);
    const rejected = after.versions[0];
    expect(rejected).toMatchObject({ active: false, metrics: { promoted: false } });
    expect(rejected.metrics.fittedMape).toBeGreaterThan(rejected.metrics.liveMape);
    // The gate also scores the 80 % intervals of both on the same held-out sales.
    expect(rejected.metrics.liveCoverage).toBeGreaterThan(0.6);
    expect(rejected.metrics.fittedCoverage).toBeGreaterThanOrEqual(0);
    expect(rejected.metrics.decision).toContain('kept the live parameters');
  }, 60_000);
});
