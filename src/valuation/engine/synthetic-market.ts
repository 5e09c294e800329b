import type { SaleRecord } from './fit.js';
import type { Grade } from './types.js';

const MS_PER_YEAR = 365.25 * 86_400_000;

/** Mulberry32: tiny, fast, deterministic PRNG in [0, 1). Same seed, same market. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draw (Box–Muller). */
export function normal(rng: () => number): number {
  const u = 1 - rng(); // (0, 1]
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The true parameters a synthetic category is generated from (same form as the model). */
export interface TrueCategoryParams {
  baseShare: number;
  annualDepreciationRate: number;
  floorShare: number;
  gradeMultipliers: Record<Grade, number>;
}

export interface SyntheticCategorySpec {
  categoryCode: string;
  params: TrueCategoryParams;
  /** Launch prices of its product models are drawn log-uniformly in this range (minor units). */
  launchPriceMinor: [min: number, max: number];
  modelCount: number;
  /** Relative share of sales. */
  weight: number;
  /**
   * The true premium share of the launch price at an age, when the market does NOT follow the
   * model's own form (a sharp first-year drop, straight-line depreciation…); `params` then only
   * supplies the grade multipliers.
   */
  shareCurve?: (ageYears: number) => number;
}

/** A deliberately different-from-defaults market, so fitting has something to learn. */
export const DEFAULT_SYNTHETIC_CATEGORIES: readonly SyntheticCategorySpec[] = (
  [
    // category, base share, annual depreciation, floor share, good and scrap multipliers
    // (premium 1), launch price range in fen, product models, relative share of sales
    ['digital.phones.smartphones', 0.72, 0.42, 0.04, 0.66, 0.12, [150_000, 1_200_000], 30, 4],
    ['digital.tablets.tablets', 0.75, 0.33, 0.05, 0.7, 0.14, [200_000, 900_000], 15, 1.5],
    ['digital.computers.laptops', 0.68, 0.3, 0.05, 0.62, 0.1, [300_000, 2_000_000], 20, 2],
    ['luxury.watches.mechanical', 0.9, 0.02, 0.5, 0.82, 0.35, [2_000_000, 15_000_000], 12, 1],
    ['instruments.pianos.upright', 0.7, 0.05, 0.2, 0.75, 0.15, [1_500_000, 8_000_000], 10, 0.8],
    ['appliances.kitchen.refrigerators', 0.5, 0.18, 0.04, 0.6, 0.05, [150_000, 1_500_000], 15, 1],
  ] as const
).map(
  ([
    categoryCode,
    baseShare,
    annualDepreciationRate,
    floorShare,
    good,
    scrap,
    launch,
    models,
    weight,
  ]) => ({
    categoryCode,
    params: {
      baseShare,
      annualDepreciationRate,
      floorShare,
      gradeMultipliers: { premium: 1, good, scrap },
    },
    launchPriceMinor: [launch[0], launch[1]],
    modelCount: models,
    weight,
  }),
);

export interface SyntheticMarketOptions {
  seed: number;
  salesCount: number;
  /** σ of the multiplicative log-normal noise on every sale price. */
  noiseSigma: number;
  /** σ of a per-product-model log effect (some models hold value better); 0 = none. */
  modelEffectSigma?: number;
  /** Sales happen between `start` and `start + years`. Defaults: 2023-01-01, 2 years. */
  start?: Date;
  years?: number;
  /** Models launch up to this many years before `start`. Default 4. */
  launchSpreadYears?: number;
  gradeMix?: Record<Grade, number>;
  categories?: readonly SyntheticCategorySpec[];
  /** Heteroscedastic noise: σ of one sale's log-normal noise, instead of `noiseSigma`. */
  noiseSigmaFor?: (sale: { grade: Grade; ageYears: number; launchPriceMinor: number }) => number;
  /** Regions with a true log premium (the oracle knows it); sales pick one by weight. */
  regions?: ReadonlyArray<{ code: string; weight: number; effect: number }>;
  /** Share of sales that are outliers: the price is off by a factor e^(±U(0.5, 1.2)). */
  outlierShare?: number;
  /**
   * New product models launched late in the window (none of their sales before launch), taking
   * `salesShare` of all sales from their launch on: a launch with no history.
   */
  launches?: { categoryCode: string; count: number; atShare: number; salesShare: number };
}

export interface SyntheticProductModel {
  id: string;
  categoryCode: string;
  launchPriceMinor: number;
  launchDate: Date;
  /** True log effect of this model (known to the oracle only). */
  effect: number;
}

export interface SyntheticSale extends SaleRecord {
  productModelId: string;
  soldAt: Date;
  launchDate: Date;
  /** The noise-free price under the true parameters and model effect (the oracle's prediction). */
  truePriceMinor: number;
}

export interface SyntheticMarket {
  /** Sorted by `soldAt`. */
  sales: SyntheticSale[];
  productModels: SyntheticProductModel[];
  trueParams: Record<string, TrueCategoryParams>;
  noiseSigma: number;
  modelEffectSigma: number;
  /** MAPE of the oracle (true parameters and model effects) on these noisy sales. */
  noiseFloorMape: number;
}

/**
 * The true, noise-free value: the model's own functional form, unless `shareCurve` gives the
 * market's depreciation in another form.
 */
export function trueValue(
  p: TrueCategoryParams,
  launchPriceMinor: number,
  ageYears: number,
  grade: Grade,
  effect = 0,
  shareCurve?: (ageYears: number) => number,
): number {
  const share = shareCurve
    ? shareCurve(ageYears)
    : Math.max(p.floorShare, p.baseShare * Math.exp(-p.annualDepreciationRate * ageYears));
  return launchPriceMinor * share * p.gradeMultipliers[grade] * Math.exp(effect);
}

/** MAPE of the oracle on a subset of synthetic sales: the best any model can do on average. */
export function oracleMape(sales: readonly SyntheticSale[]): number {
  if (sales.length === 0) return NaN;
  return (
    sales.reduce((s, x) => s + Math.abs(x.priceMinor - x.truePriceMinor) / x.priceMinor, 0) /
    sales.length
  );
}

/** A sale of the model at `soldMs`, at the (noisy) price, with the true price beside it. */
function saleOf(
  m: Omit<KnownProductModel, 'effect'>,
  soldMs: number,
  ageYears: number,
  grade: Grade,
  priceMinor: number,
  truePriceMinor: number,
  region?: string,
): SyntheticSale {
  return {
    categoryCode: m.categoryCode,
    launchPriceMinor: m.launchPriceMinor,
    ageYears,
    grade,
    priceMinor,
    productModelId: m.id,
    soldAt: new Date(soldMs),
    launchDate: m.launchDate,
    ...(region !== undefined ? { region } : {}),
    truePriceMinor,
  };
}

function pickWeighted<T>(rng: () => number, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let r = rng() * total;
  for (const t of items) {
    r -= weight(t);
    if (r < 0) return t;
  }
  return items[items.length - 1];
}

/**
 * Generates a market history with KNOWN parameters: product models per category (log-uniform
 * launch prices, staggered launch dates, optional per-model effect), then sales whose price is
 * the true value × exp(σ·z). Deterministic for a given seed and options.
 */
export function generateSyntheticMarket(options: SyntheticMarketOptions): SyntheticMarket {
  const rng = mulberry32(options.seed);
  const categories = options.categories ?? DEFAULT_SYNTHETIC_CATEGORIES;
  const start = options.start ?? new Date('2023-01-01T00:00:00Z');
  const years = options.years ?? 2;
  const spread = options.launchSpreadYears ?? 4;
  const effectSigma = options.modelEffectSigma ?? 0;
  const mix = options.gradeMix ?? { premium: 0.45, good: 0.43, scrap: 0.12 };
  const startMs = start.getTime();
  const endMs = startMs + years * MS_PER_YEAR;

  const productModels: SyntheticProductModel[] = [];
  const byCategory = new Map<string, SyntheticProductModel[]>();
  for (const c of categories) {
    const models: SyntheticProductModel[] = [];
    const [lo, hi] = c.launchPriceMinor;
    for (let i = 0; i < c.modelCount; i++) {
      const launchMs =
        startMs - spread * MS_PER_YEAR + rng() * (spread + years - 0.25) * MS_PER_YEAR;
      const m: SyntheticProductModel = {
        id: `${c.categoryCode}#${String(i + 1).padStart(3, '0')}`,
        categoryCode: c.categoryCode,
        launchPriceMinor: Math.round((lo * Math.pow(hi / lo, rng())) / 100) * 100,
        launchDate: new Date(launchMs),
        effect: effectSigma * normal(rng),
      };
      models.push(m);
      productModels.push(m);
    }
    byCategory.set(c.categoryCode, models);
  }
  // Drawn only when asked for, so markets without these options keep their exact sales.
  const launched: SyntheticProductModel[] = [];
  if (options.launches) {
    const l = options.launches;
    const spec = categories.find((c) => c.categoryCode === l.categoryCode);
    if (!spec) throw new RangeError(`launches: unknown category ${l.categoryCode}`);
    const [lo, hi] = spec.launchPriceMinor;
    for (let i = 0; i < l.count; i++) {
      const m: SyntheticProductModel = {
        id: `${spec.categoryCode}#new${String(i + 1).padStart(2, '0')}`,
        categoryCode: spec.categoryCode,
        launchPriceMinor: Math.round((lo * Math.pow(hi / lo, rng())) / 100) * 100,
        launchDate: new Date(startMs + l.atShare * years * MS_PER_YEAR),
        effect: effectSigma * normal(rng),
      };
      launched.push(m);
      productModels.push(m);
    }
  }
  const specByCode = new Map(categories.map((c) => [c.categoryCode, c]));

  const grades: Grade[] = ['premium', 'good', 'scrap'];
  const sales: SyntheticSale[] = [];
  for (let i = 0; i < options.salesCount; i++) {
    let m: SyntheticProductModel;
    if (launched.length > 0 && rng() < options.launches!.salesShare) {
      m = launched[Math.floor(rng() * launched.length)];
    } else {
      const c = pickWeighted(rng, categories, (x) => x.weight);
      const models = byCategory.get(c.categoryCode)!;
      m = models[Math.floor(rng() * models.length)];
    }
    const c = specByCode.get(m.categoryCode)!;
    const from = Math.max(startMs, m.launchDate.getTime());
    const soldMs = from + rng() * (endMs - from);
    const ageYears = (soldMs - m.launchDate.getTime()) / MS_PER_YEAR;
    const grade = pickWeighted(rng, grades, (g) => mix[g]);
    const region = options.regions ? pickWeighted(rng, options.regions, (r) => r.weight) : null;
    const truePrice = trueValue(
      c.params,
      m.launchPriceMinor,
      ageYears,
      grade,
      m.effect + (region?.effect ?? 0),
      c.shareCurve,
    );
    const sigma = options.noiseSigmaFor
      ? options.noiseSigmaFor({ grade, ageYears, launchPriceMinor: m.launchPriceMinor })
      : options.noiseSigma;
    let logNoise = sigma * normal(rng);
    if (options.outlierShare !== undefined && rng() < options.outlierShare) {
      logNoise = (rng() < 0.5 ? -1 : 1) * (0.5 + 0.7 * rng());
    }
    const price = Math.max(1, Math.round(truePrice * Math.exp(logNoise)));
    sales.push(saleOf(m, soldMs, ageYears, grade, price, truePrice, region?.code));
  }
  sales.sort((a, b) => a.soldAt.getTime() - b.soldAt.getTime());

  return {
    sales,
    productModels,
    trueParams: Object.fromEntries(categories.map((c) => [c.categoryCode, c.params])),
    noiseSigma: options.noiseSigma,
    modelEffectSigma: effectSigma,
    noiseFloorMape: oracleMape(sales),
  };
}

/** A real product model (e.g. from the catalog) to generate a sales history for. */
export interface KnownProductModel {
  id: string;
  categoryCode: string;
  launchPriceMinor: number;
  launchDate: Date;
  /**
   * A known log effect of this model on top of the random one (e.g. a brand that holds its
   * value: iPhones resell for more of their launch price than most Android phones).
   */
  effect?: number;
}

export interface ModelSalesOptions {
  seed: number;
  models: readonly KnownProductModel[];
  salesCount: number;
  noiseSigma: number;
  modelEffectSigma?: number;
  /** Sales happen in the `years` before `end` (and never before a model's launch). */
  end: Date;
  years?: number;
  gradeMix?: Record<Grade, number>;
  /** The market's true parameters per category code. */
  trueParams: (categoryCode: string) => TrueCategoryParams;
}

/**
 * The synthetic market over a given set of product models (the demo catalog's): the same
 * generating process as `generateSyntheticMarket`, so a seeded database has a sales history the
 * refit can learn from. Deterministic for a given seed and options; sorted by `soldAt`.
 */
export function generateSalesForModels(options: ModelSalesOptions): SyntheticSale[] {
  const rng = mulberry32(options.seed);
  const endMs = options.end.getTime();
  const startMs = endMs - (options.years ?? 2) * MS_PER_YEAR;
  const mix = options.gradeMix ?? { premium: 0.45, good: 0.43, scrap: 0.12 };
  const effectSigma = options.modelEffectSigma ?? 0;
  const models = options.models
    .filter((m) => m.launchDate.getTime() < endMs && m.launchPriceMinor > 0)
    .map((m) => ({ ...m, effect: (m.effect ?? 0) + effectSigma * normal(rng) }));
  if (models.length === 0) return [];
  const grades: Grade[] = ['premium', 'good', 'scrap'];
  const sales: SyntheticSale[] = [];
  for (let i = 0; i < options.salesCount; i++) {
    const m = models[Math.floor(rng() * models.length)];
    const from = Math.max(startMs, m.launchDate.getTime());
    const soldMs = from + rng() * (endMs - from);
    const ageYears = (soldMs - m.launchDate.getTime()) / MS_PER_YEAR;
    const grade = pickWeighted(rng, grades, (g) => mix[g]);
    const params = options.trueParams(m.categoryCode);
    const truePrice = trueValue(params, m.launchPriceMinor, ageYears, grade, m.effect);
    const price = Math.max(1, Math.round(truePrice * Math.exp(options.noiseSigma * normal(rng))));
    sales.push(saleOf(m, soldMs, ageYears, grade, price, truePrice));
  }
  sales.sort((a, b) => a.soldAt.getTime() - b.soldAt.getTime());
  return sales;
}
