import { DataSource } from 'typeorm';
import type { SeedStep } from '../seed/seed-context.js';
import { paramsForCategory, defaultParamSet } from './engine/params.js';
import type { CategoryFamily } from './engine/types.js';
import {
  generateSalesForModels,
  type KnownProductModel,
  type TrueCategoryParams,
} from './engine/synthetic-market.js';
import { MarketSaleRepository } from './data/market-sales.repository.js';
import { ValuationRefitService } from './valuation-refit.service.js';
import { ValuationService } from './valuation.service.js';

/**
 * How the demo market's electronics really depreciate (premium grade, share of the launch price
 * kept: `baseShare · e^(−rate · years)`), set from mainland second-hand prices of late 2025 –
 * 2026 (Aihuishou / Paipai / Zhuanzhuan ranges; see docs/decisions.md "Demo prices"). They lose
 * value more slowly than the engine's hand-set family defaults assume, so a refit has something
 * to learn (and the bench and tests can see it learn).
 */
const DEMO_ELECTRONICS: Partial<Record<CategoryFamily, [baseShare: number, rate: number]>> = {
  phone: [0.82, 0.15],
  tablet: [0.8, 0.15],
  computer: [0.8, 0.15],
  camera: [0.82, 0.1],
  console: [0.8, 0.1],
  wearable: [0.72, 0.3],
  audio: [0.68, 0.25],
};

/**
 * The demo market: realistic curves for electronics (above); for every other family the
 * defaults, a little faster and with the good grade a little lower than the defaults assume.
 */
export function demoMarketParams(categoryCode: string): TrueCategoryParams {
  const { params: p, family } = paramsForCategory(defaultParamSet(), categoryCode);
  const real = DEMO_ELECTRONICS[family];
  return {
    baseShare: real ? real[0] : p.baseShare * 0.94,
    annualDepreciationRate: real ? real[1] : p.annualDepreciationRate * 1.25 + 0.02,
    floorShare: p.floorShare,
    gradeMultipliers: {
      premium: 1,
      good: p.gradeMultipliers.good * 0.92,
      scrap: p.gradeMultipliers.scrap,
    },
  };
}

/**
 * Brands whose models keep more (or less) of their launch price than their category's curve,
 * as a log effect on every demo sale of the brand: iPhones resell for clearly more of their
 * launch price than Android flagships of the same age.
 */
export const DEMO_BRAND_EFFECTS: Readonly<Record<string, number>> = {
  Apple: 0.12,
  Huawei: -0.1,
  Samsung: -0.25,
  Xiaomi: -0.3,
  vivo: -0.3,
  OPPO: -0.3,
};

/**
 * Writes a synthetic sales history over the catalog's product models (idempotent: each sale has
 * a stable `source_ref`). Returns how many sales were generated.
 */
export async function seedMarketSales(
  dataSource: DataSource,
  valuation: ValuationService,
  options: { seed: number; salesCount: number; end?: Date; source?: string; noiseSigma?: number },
): Promise<number> {
  const history = new MarketSaleRepository(dataSource);
  const models = await history.productModels();
  const known: Array<KnownProductModel & { categoryId: string }> = [];
  for (const m of models) {
    if (!m.launchPriceMinor || !m.launchDate) continue;
    known.push({
      id: m.id,
      categoryId: m.categoryId,
      categoryCode: (await valuation.categoryPath(m.categoryId)).code,
      launchPriceMinor: m.launchPriceMinor,
      launchDate: new Date(`${m.launchDate}T00:00:00Z`),
      effect: DEMO_BRAND_EFFECTS[m.brand] ?? 0,
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
    await history.insertNew(rows.slice(i, i + 500));
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
