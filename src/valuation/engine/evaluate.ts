import {
  fitParams,
  mape,
  predictSalePrice,
  type FitOptions,
  type FitResult,
  type SaleRecord,
} from './fit.js';
import { RANGE_Z, blendWithComparables, predictiveLogSd } from './model.js';
import { defaultParamSet, paramsForCategory, regionFactor } from './params.js';
import {
  DEFAULT_SYNTHETIC_CATEGORIES,
  generateSyntheticMarket,
  oracleMape,
  type SyntheticCategorySpec,
  type SyntheticMarketOptions,
} from './synthetic-market.js';
import type { ComparableSale, ValuationParamSet } from './types.js';

export interface BenchmarkOptions extends SyntheticMarketOptions {
  /** Share of sales (earliest first) used for fitting; the rest is held out. Default 0.8. */
  trainShare?: number;
  /** Passed to `fitParams` (e.g. to compare a plain exponential against the bending curve). */
  fitOptions?: FitOptions;
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
  /** Share of held-out sales whose comparables counted (enough sales of the model before it). */
  comparablesCoverage: number;
  /** Share of held-out sales inside the quote's ≈80 % interval (fitted + comparables). */
  intervalCoverage: number;
}

/** How a parameter set does on held-out sales, comparables included, as quotes would. */
export interface HoldoutScore {
  /** MAPE of the quote (model blended with comparables) against the sale price. */
  mape: number;
  /** Share of sales inside the quote's ≈80 % interval. */
  coverage: number;
  /** Share of sales whose comparables counted. */
  withComparables: number;
}

/**
 * Scores parameters on `test` sales (in time order) the way production prices: the model plus
 * comparables of the same product model among every earlier sale (`history`, then the earlier
 * test sales: production records each sale as it happens).
 */
export function scoreHoldout(
  paramSet: ValuationParamSet,
  history: readonly SaleRecord[],
  test: readonly SaleRecord[],
): HoldoutScore & { pairs: Array<{ actual: number; predicted: number }> } {
  const byModel = new Map<string, ComparableSale[]>();
  const remember = (s: SaleRecord) => {
    if (s.productModelId === undefined || s.soldAt === undefined) return;
    const list = byModel.get(s.productModelId) ?? [];
    list.push({
      priceMinor: s.priceMinor,
      soldAt: s.soldAt,
      grade: s.grade,
      productModelId: s.productModelId,
      region: s.region,
    });
    byModel.set(s.productModelId, list);
  };
  history.forEach(remember);
  const rf = (region: string | null | undefined) => regionFactor(paramSet, region);
  let covered = 0;
  let inside = 0;
  const pairs: Array<{ actual: number; predicted: number }> = [];
  for (const s of test) {
    const params = paramsForCategory(paramSet, s.categoryCode).params;
    const blend = blendWithComparables({
      modelValue: predictSalePrice(paramSet, s),
      params,
      ageYears: s.ageYears,
      grade: s.grade,
      productModelId: s.productModelId,
      valuationDate: s.soldAt ?? new Date(0),
      comparables: s.productModelId ? (byModel.get(s.productModelId) ?? []) : [],
      region: s.region,
      regionFactorOf: rf,
    });
    if (blend.used > 0) covered++;
    pairs.push({ actual: s.priceMinor, predicted: blend.value });
    const half = RANGE_Z * predictiveLogSd(params, blend);
    if (Math.abs(Math.log(s.priceMinor / blend.value)) <= half) inside++;
    remember(s);
  }
  const n = Math.max(1, test.length);
  return { mape: mape(pairs), coverage: inside / n, withComparables: covered / n, pairs };
}

/** The ≈80 % interval counts as calibrated when it covers this range of held-out sales. */
export const COVERAGE_BAND: readonly [number, number] = [0.75, 0.85];
/**
 * A refit may be this much worse than the live parameters and still go live: the live ones may
 * have seen the held-out sales when they were fitted (a small edge for them). A poisoned history
 * misses by far more.
 */
export const PROMOTION_MAPE_SLACK = 0.02;
export const PROMOTION_COVERAGE_SLACK = 0.02;

/**
 * Whether a refit may replace the live parameters: not worse on MAPE (within the slack) and not
 * worse on interval coverage — inside the calibrated band, or no further from 80 % than the live
 * parameters are (within the slack).
 */
export function promotionDecision(
  fitted: HoldoutScore,
  live: HoldoutScore,
): { promoted: boolean; decision: string } {
  const mapeOk = fitted.mape <= live.mape * (1 + PROMOTION_MAPE_SLACK);
  const miss = (c: number) => Math.abs(c - 0.8);
  const inBand = fitted.coverage >= COVERAGE_BAND[0] && fitted.coverage <= COVERAGE_BAND[1];
  const coverageOk =
    inBand || miss(fitted.coverage) <= miss(live.coverage) + PROMOTION_COVERAGE_SLACK;
  if (mapeOk && coverageOk) {
    return {
      promoted: true,
      decision:
        'promoted: not worse than the live parameters on the held-out sales (MAPE and 80 % interval coverage)',
    };
  }
  const why = [
    mapeOk ? null : 'a higher MAPE',
    coverageOk ? null : `80 % intervals covering ${(fitted.coverage * 100).toFixed(1)} % of sales`,
  ].filter((x) => x !== null);
  return {
    promoted: false,
    decision: `kept the live parameters: this refit is worse on the held-out sales (${why.join(' and ')})`,
  };
}

/**
 * Generates a synthetic market, fits on the earliest `trainShare` of sales (a time split, like
 * production: we only ever know the past) and scores three estimators on the rest against the
 * oracle's noise floor. Comparables for a held-out sale are all earlier sales of the same product
 * model (training and earlier held-out sales alike), while the parameters stay those fitted on
 * the training window.
 */
export function runValuationBenchmark(options: BenchmarkOptions): BenchmarkResult {
  const market = generateSyntheticMarket(options);
  const cut = Math.floor(market.sales.length * (options.trainShare ?? 0.8));
  const train = market.sales.slice(0, cut);
  const test = market.sales.slice(cut);

  const defaults = defaultParamSet();
  const fit = fitParams(train, options.fitOptions);
  const a = test.map((s) => ({ actual: s.priceMinor, predicted: predictSalePrice(defaults, s) }));
  const b = test.map((s) => ({ actual: s.priceMinor, predicted: predictSalePrice(fit.params, s) }));
  const score = scoreHoldout(fit.params, train, test);

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
    fittedWithComparables: row('fitted + comparables', score.pairs),
    fit,
    comparablesCoverage: score.withComparables,
    intervalCoverage: score.coverage,
  };
}

/** A named market the bench runs; each generator departs from the model's own form somehow. */
export interface ValuationScenario {
  name: string;
  description: string;
  options: BenchmarkOptions;
}

/** Premium share with a sharp first-year drop: a quarter of the value goes within months. */
const sharpFirstYear =
  (base: number, rate: number, floor: number) =>
  (age: number): number =>
    Math.max(floor, base * (0.7 + 0.3 * Math.exp(-age / 0.3)) * Math.exp(-rate * age));

/** Premium share falling in straight lines (not exponentially) with a kink at two years. */
const piecewiseLinear =
  (base: number, slope1: number, slope2: number, floor: number) =>
  (age: number): number =>
    Math.max(floor, base - slope1 * Math.min(age, 2) - slope2 * Math.max(0, age - 2));

const withCurves = (
  curve: (spec: SyntheticCategorySpec) => (age: number) => number,
): SyntheticCategorySpec[] =>
  DEFAULT_SYNTHETIC_CATEGORIES.map((c) => ({ ...c, shareCurve: curve(c) }));

const BASE: BenchmarkOptions = {
  seed: 20250101,
  salesCount: 8000,
  noiseSigma: 0.1,
  modelEffectSigma: 0.08,
};

/**
 * The bench's markets. Only `baseline` is generated from the model's own formula; the others
 * bend the curve another way, spread sales thin, vary the noise, add regions, outliers and a
 * launch with no history.
 */
export function valuationScenarios(seed = BASE.seed): ValuationScenario[] {
  const o = (extra: Partial<BenchmarkOptions>): BenchmarkOptions => ({ ...BASE, seed, ...extra });
  return [
    {
      name: 'baseline',
      description: "the model's own form (exponential with a floor)",
      options: o({}),
    },
    {
      name: 'sharp-first-year',
      description: '30 % of the value lost in the first months, then exponential',
      options: o({
        categories: withCurves((c) =>
          sharpFirstYear(
            c.params.baseShare,
            c.params.annualDepreciationRate * 0.8,
            c.params.floorShare,
          ),
        ),
      }),
    },
    {
      name: 'piecewise-linear',
      description: 'straight-line depreciation, flatter after two years',
      options: o({
        categories: withCurves((c) =>
          piecewiseLinear(
            c.params.baseShare,
            c.params.baseShare * Math.min(0.3, c.params.annualDepreciationRate * 0.9),
            c.params.baseShare * Math.min(0.3, c.params.annualDepreciationRate * 0.9) * 0.3,
            c.params.floorShare,
          ),
        ),
      }),
    },
    {
      name: 'sparse-600-models',
      description: '6× the product models (612) on the same sales, plus a category of 60 sales',
      options: o({
        categories: [
          ...DEFAULT_SYNTHETIC_CATEGORIES.map((c) => ({ ...c, modelCount: c.modelCount * 6 })),
          {
            ...DEFAULT_SYNTHETIC_CATEGORIES[0],
            categoryCode: 'digital.phones.foldables',
            modelCount: 6,
            weight: 0.08,
            launchPriceMinor: [800_000, 1_600_000],
          },
        ],
      }),
    },
    {
      name: 'heteroscedastic',
      description: 'noise σ 0.06 on premium, 0.12 on good, 0.2 on scrap, and wider on cheap items',
      options: o({
        noiseSigmaFor: (s) =>
          ({ premium: 0.06, good: 0.12, scrap: 0.2 })[s.grade] *
          (s.launchPriceMinor < 400_000 ? 1.3 : 1),
      }),
    },
    {
      name: 'regional-premium',
      description: 'Shanghai +12 %, Beijing +6 %, Chengdu −8 %, the rest at par',
      options: o({
        regions: [
          { code: 'shanghai', weight: 2, effect: Math.log(1.12) },
          { code: 'beijing', weight: 2, effect: Math.log(1.06) },
          { code: 'chengdu', weight: 1.5, effect: Math.log(0.92) },
          { code: 'other', weight: 4, effect: 0 },
        ],
      }),
    },
    {
      name: 'outliers-2pct',
      description: '2 % of sales off by ×1.6–3.3 or ÷1.6–3.3 (mistypes, bundles, fire sales)',
      options: o({ outlierShare: 0.02 }),
    },
    {
      name: 'new-launch',
      description: 'three phones launched at 85 % of the window, ~30 % of sales from then on',
      options: o({
        launches: {
          categoryCode: 'digital.phones.smartphones',
          count: 3,
          atShare: 0.85,
          salesShare: 0.05,
        },
      }),
    },
  ];
}
