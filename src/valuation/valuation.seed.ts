import { DataSource } from 'typeorm';
import { ProductModel } from '../catalog/product-model.entity.js';
import type { SeedStep } from '../seed/seed-context.js';
import { paramsForCategory, defaultParamSet } from './engine/params.js';
import {
  generateSalesForModels,
  type KnownProductModel,
  type TrueCategoryParams,
} from './engine/synthetic-market.js';
import { MarketSale } from './market-sale.entity.js';
import { ValuationRefitService } from './valuation-refit.service.js';
import { ValuationService } from './valuation.service.js';

/**
 * The demo market: the family defaults, but every category depreciates a little faster and
 * values the good grade a little lower than the defaults assume, so a refit has something to
 * learn (and the bench and tests can see it learn).
 */
export function demoMarketParams(categoryCode: string): TrueCategoryParams {
  const p = paramsForCategory(defaultParamSet(), categoryCode).params;
  return {
    baseShare: p.baseShare * 0.94,
    annualDepreciationRate: p.annualDepreciationRate * 1.25 + 0.02,
    floorShare: p.floorShare,
    gradeMultipliers: {
      premium: 1,
      good: p.gradeMultipliers.good * 0.92,
      scrap: p.gradeMultipliers.scrap,
    },
  };
}

/**
 * Writes a synthetic sales history over the catalog's product models (idempotent: each sale has
 * a stable `source_ref`). Returns how many sales were generated.
 */
export async function seedMarketSales(
  dataSource: DataSource,
  valuation: ValuationService,
  options: { seed: number; salesCount: number; end?: Date; source?: string; noiseSigma?: number },
): Promise<number> {
  const models = await dataSource.getRepository(ProductModel).find({ order: { code: 'ASC' } });
  const known: Array<KnownProductModel & { categoryId: string }> = [];
  for (const m of models) {
    if (!m.launchPriceMinor || !m.launchDate) continue;
    known.push({
      id: m.id,
      categoryId: m.categoryId,
      categoryCode: (await valuation.categoryPath(m.categoryId)).code,
      launchPriceMinor: m.launchPriceMinor,
      launchDate: new Date(`${m.launchDate}T00:00:00Z`),
    });
  }
  const byId = new Map(known.map((k) => [k.id, k]));
  const sales = generateSalesForModels({
    seed: options.seed,
    models: known,
    salesCount: options.salesCount,
    noiseSigma: options.noiseSigma ?? 0.1,
    modelEffectSigma: 0.06,
    end: options.end ?? new Date(),
    trueParams: demoMarketParams,
  });
  const source = options.source ?? 'synthetic-seed';
  const rows = sales.map((s, i) => ({
    productModelId: s.productModelId,
    categoryId: byId.get(s.productModelId)!.categoryId,
    categoryCode: s.categoryCode,
    grade: s.grade,
    priceMinor: s.priceMinor,
    launchPriceMinor: s.launchPriceMinor,
    itemAgeYears: s.ageYears,
    soldAt: s.soldAt,
    region: null,
    source,
    sourceRef: `${options.seed}-${i}`,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await dataSource
      .createQueryBuilder()
      .insert()
      .into(MarketSale)
      .values(rows.slice(i, i + 500))
      .orIgnore()
      .execute();
  }
  return sales.length;
}

/** Enough sales history that quotes work (with comparables) from the first start, then a fit. */
export const valuationSeed: SeedStep = {
  name: 'valuation: synthetic sales history and a first fit',
  async run(ctx) {
    const n = await seedMarketSales(ctx.dataSource, ctx.app.get(ValuationService), {
      seed: 20250101,
      salesCount: 6000,
    });
    const outcome = await ctx.app.get(ValuationRefitService).refit('seed');
    ctx.log(
      `  ${n} sales; parameters ${outcome.status === 'fitted' ? outcome.version : outcome.reason}`,
    );
  },
};
