import { fitParams, mape, predictSalePrice, type FitResult } from './fit.js';
import { blendWithComparables } from './model.js';
import { defaultParamSet, paramsForCategory } from './params.js';
import {
  generateSyntheticMarket,
  oracleMape,
  type SyntheticMarketOptions,
  type SyntheticSale,
} from './synthetic-market.js';

export interface BenchmarkOptions extends SyntheticMarketOptions {
  /** Share of sales (earliest first) used for fitting; the rest is held out. Default 0.8. */
  trainShare?: number;
}

export interface BenchmarkRow {
  name: string;
  mape: number;
  /** mape / noise floor. */
  ratio: number;
}

export interface BenchmarkResult {
  trainCount: number;
  testCount: number;
  noiseFloorMape: number;
  launchPriceOnly: BenchmarkRow;
  fitted: BenchmarkRow;
  fittedWithComparables: BenchmarkRow;
  fit: FitResult;
  /** Share of held-out sales that had at least one comparable in the training window. */
  comparablesCoverage: number;
}

/**
 * Generates a synthetic market, fits on the earliest `trainShare` of sales (a time split, like
 * production: we only ever know the past) and scores three estimators on the rest against the
 * oracle's noise floor. Comparables for a held-out sale are training sales of the same model and
 * grade.
 */
export function runValuationBenchmark(options: BenchmarkOptions): BenchmarkResult {
  const market = generateSyntheticMarket(options);
  const cut = Math.floor(market.sales.length * (options.trainShare ?? 0.8));
  const train = market.sales.slice(0, cut);
  const test = market.sales.slice(cut);

  const defaults = defaultParamSet();
  const fit = fitParams(train);

  const comps = new Map<string, SyntheticSale[]>();
  for (const s of train) {
    const key = `${s.productModelId}|${s.grade}`;
    const list = comps.get(key) ?? [];
    list.push(s);
    comps.set(key, list);
  }

  let covered = 0;
  const a: Array<{ actual: number; predicted: number }> = [];
  const b: Array<{ actual: number; predicted: number }> = [];
  const c: Array<{ actual: number; predicted: number }> = [];
  for (const s of test) {
    a.push({ actual: s.priceMinor, predicted: predictSalePrice(defaults, s) });
    const model = predictSalePrice(fit.params, s);
    b.push({ actual: s.priceMinor, predicted: model });
    const sameModel = (comps.get(`${s.productModelId}|${s.grade}`) ?? []).map((x) => ({
      priceMinor: x.priceMinor,
      soldAt: x.soldAt,
      grade: x.grade,
      productModelId: x.productModelId,
    }));
    const blend = blendWithComparables({
      modelValue: model,
      params: paramsForCategory(fit.params, s.categoryCode).params,
      ageYears: s.ageYears,
      grade: s.grade,
      productModelId: s.productModelId,
      valuationDate: s.soldAt,
      comparables: sameModel,
    });
    if (blend.used > 0) covered++;
    c.push({ actual: s.priceMinor, predicted: blend.value });
  }

  const floor = oracleMape(test);
  const row = (name: string, pairs: typeof a): BenchmarkRow => {
    const m = mape(pairs);
    return { name, mape: m, ratio: m / floor };
  };
  return {
    trainCount: train.length,
    testCount: test.length,
    noiseFloorMape: floor,
    launchPriceOnly: row('launch-price-only (default params)', a),
    fitted: row('fitted model', b),
    fittedWithComparables: row('fitted + comparables', c),
    fit,
    comparablesCoverage: test.length > 0 ? covered / test.length : 0,
  };
}
