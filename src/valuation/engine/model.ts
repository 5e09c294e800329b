import {
  DEFAULT_FAMILY_PARAMS,
  ENGINE_VERSION,
  defaultParamSet,
  gradeMultiplier,
  paramsForCategory,
  regionFactor,
  residualShare,
} from './params.js';
import {
  LEARNED_DEFECT_PRIOR_SALES,
  fitVariantFactors,
  type VariantFactor,
} from './price-points.js';
import { roundToUnit } from './rounding.js';
import type {
  CategoryFamily,
  CategoryParams,
  ComparableSale,
  DefectDeduction,
  DefectSeverity,
  ExtraFactor,
  Grade,
  Valuation,
  ValuationLine,
  ValuationParamSet,
} from './types.js';

const MS_PER_DAY = 86_400_000;
const DAYS_PER_YEAR = 365.25;

/** What the owner can say about the item before anyone has inspected it. */
export type DeclaredCondition =
  'like-new' | 'excellent' | 'good' | 'fair' | 'poor' | 'broken' | 'not-working';

/**
 * Owner's words → the grade inspection will most likely give. 'Good' as an owner says it (normal
 * wear) usually means the item needs some refurbishment, i.e. the *good* grade, not premium.
 */
export const DECLARED_TO_GRADE: Readonly<Record<DeclaredCondition, Grade>> = {
  'like-new': 'premium',
  excellent: 'premium',
  good: 'good',
  fair: 'good',
  poor: 'good',
  broken: 'scrap',
  'not-working': 'scrap',
};

/** Default share of the graded value each defect severity removes (overridable per defect). */
export const DEFAULT_SEVERITY_SHARES: Readonly<Record<DefectSeverity, number>> = {
  none: 0,
  cosmetic: 0.03,
  functional: 0.1,
  critical: 0.25,
};

/**
 * Maps a declared condition (a level, a grade, or the free-form answers object stored on the item)
 * to the expected grade. Red-flag answers (does not power on, water damage) mean scrap; a cracked
 * screen or a failed function caps at good. Unknown input defaults to 'good' (the cautious middle).
 */
export function expectedGradeFromDeclared(
  declared: DeclaredCondition | Grade | Readonly<Record<string, unknown>>,
): Grade {
  if (typeof declared === 'string') {
    if (declared === 'premium' || declared === 'good' || declared === 'scrap') return declared;
    return DECLARED_TO_GRADE[declared] ?? 'good';
  }
  if (declared.powersOn === false || declared.waterDamage === true || declared.working === false) {
    return 'scrap';
  }
  const level = declared.condition ?? declared.overall ?? declared.grade;
  let grade: Grade =
    typeof level === 'string' ? expectedGradeFromDeclared(level as DeclaredCondition) : 'good';
  if (grade === 'premium' && (declared.screenCracked === true || declared.functional === false)) {
    grade = 'good';
  }
  return grade;
}

const GRADE_RANK: Readonly<Record<Grade, number>> = { premium: 0, good: 1, scrap: 2 };

/** The lower of two grades (scrap below good below premium). */
export function worseGrade(a: Grade, b: Grade): Grade {
  return GRADE_RANK[a] >= GRADE_RANK[b] ? a : b;
}

export interface ProductModelFacts {
  /** Launch (new) price in CNY minor units. */
  launchPriceMinor: number;
  launchDate: Date;
  categoryCode: string;
  /** Needed to match comparable sales of the same model. */
  productModelId?: string;
  /** Overrides the family guessed from the category code. */
  family?: CategoryFamily;
}

export interface ValuationInput {
  productModel: ProductModelFacts;
  valuationDate: Date;
  /** The item's age in years at the valuation date; defaults to the time since model launch. */
  ageYears?: number;
  /** The inspected grade. When absent, `declaredCondition` is mapped to an expected grade. */
  grade?: Grade;
  declaredCondition?: DeclaredCondition | Grade | Readonly<Record<string, unknown>>;
  defects?: readonly DefectDeduction[];
  /** Hook for extra multiplicative factors such as vehicle mileage. */
  /** Or a function of the item's age as the model computes it (a car's expected mileage). */
  extraFactors?: readonly ExtraFactor[] | ((ageYears: number) => readonly ExtraFactor[]);
  /** Recent sales; those of the same product model are used (other grades at half weight). */
  comparables?: readonly ComparableSale[];
  /** Where the item is sold: a fitted regional price level (`paramSet.regionFactors`) applies. */
  region?: string | null;
  /**
   * The item's variant (storage, RAM, carrier lock, edition): its price level is fitted from the
   * comparables that name it (`fitVariantFactors`) and is a breakdown line of its own.
   */
  variant?: { code: string; label?: string } | null;
  /** 0..1 from fraud signals: lowers confidence, never the price. */
  confidencePenalty?: number;
  /** The amount is rounded to a multiple of this (default 100 = whole yuan). */
  roundingUnitMinor?: number;
}

/** Result of blending the model with comparables (exposed for benches and tests). */
export interface ComparableBlend {
  /** Blended graded value (minor units, float). */
  value: number;
  /** n / (n + k). */
  weight: number;
  used: number;
  effectiveCount: number;
  /** Weighted std of log adjusted prices; null with fewer than two comparables. */
  dispersion: number | null;
  /** Weighted geometric mean of comparables, aged to the valuation date; null without any. */
  comparableValue: number | null;
}

/** A sale of the same model in another grade counts this much as one in the same grade. */
export const CROSS_GRADE_SIMILARITY = 0.5;
/** Comparables further than this many σ from their median are dropped (mistyped, odd sales). */
export const COMPARABLES_TRIM_SIGMAS = 3.5;
/** Fewer comparables than this (after trimming) are not trusted at all: the model decides. */
export const MIN_COMPARABLES = 2;

export interface BlendArgs {
  modelValue: number;
  params: CategoryParams;
  ageYears: number;
  grade: Grade;
  productModelId: string | undefined;
  valuationDate: Date;
  comparables: readonly ComparableSale[];
  /** The item's region and the fitted region factors (both optional). */
  region?: string | null;
  regionFactorOf?: (region: string | null | undefined) => number;
  /** The item's variant and the variants' price levels (both optional). */
  variant?: string | null;
  variantFactorOf?: (variant: string | null | undefined) => number;
}

/**
 * Comparables of the item's product model brought to the item: aged along the category curve to
 * the valuation date (a sale a year ago was of a younger item), moved to the item's grade with
 * the grade multipliers and to its region with the region factors, each with its weight
 * (recency half-life × similarity: another grade counts half).
 */
export function adjustedComparables(
  args: Omit<BlendArgs, 'modelValue' | 'variant' | 'variantFactorOf'>,
): Array<{ w: number; logPrice: number; variant: string | null | undefined }> {
  const { params, ageYears, grade, productModelId, valuationDate } = args;
  if (productModelId === undefined) return [];
  const rf = args.regionFactorOf ?? (() => 1);
  const nowMs = valuationDate.getTime();
  const shareNow = residualShare(params, ageYears);
  const regionNow = rf(args.region);
  const points: Array<{ w: number; logPrice: number; variant: string | null | undefined }> = [];
  for (const c of args.comparables) {
    if (c.productModelId !== productModelId) continue;
    if (!(c.priceMinor > 0) || !Number.isFinite(c.priceMinor)) continue;
    const ageDays = (nowMs - c.soldAt.getTime()) / MS_PER_DAY;
    if (ageDays < 0 || ageDays > params.comparablesMaxAgeDays) continue;
    const ageAtSale = Math.max(0, ageYears - ageDays / DAYS_PER_YEAR);
    const shift =
      (shareNow / residualShare(params, ageAtSale)) *
      (gradeMultiplier(params, grade) / gradeMultiplier(params, c.grade)) *
      (regionNow / rf(c.region));
    if (!Number.isFinite(shift) || shift <= 0) continue;
    const similarity = c.grade === grade ? 1 : CROSS_GRADE_SIMILARITY;
    points.push({
      w: similarity * Math.pow(0.5, ageDays / params.comparablesHalfLifeDays),
      logPrice: Math.log(c.priceMinor * shift),
      variant: c.variant,
    });
  }
  return points;
}

/**
 * Empirical-Bayes blend of the model's graded value with comparable sales of the same product
 * model. Each comparable is brought to the item: aged along the category curve to the valuation
 * date (a sale a year ago was of a younger item), moved to the item's grade with the grade
 * multipliers and to its region with the region factors. It is weighted by recency (half-life)
 * and similarity (another grade counts half); comparables far from their median are trimmed, and
 * fewer than `MIN_COMPARABLES` count for nothing. The log-mean is then trusted with weight
 * n_eff / (n_eff + k): with few sales the model dominates, with many the market does.
 */
export function blendWithComparables(args: BlendArgs): ComparableBlend {
  const { modelValue, params } = args;
  const none: ComparableBlend = {
    value: modelValue,
    weight: 0,
    used: 0,
    effectiveCount: 0,
    dispersion: null,
    comparableValue: null,
  };
  if (args.productModelId === undefined || modelValue <= 0) return none;
  // Each sale is also moved to the item's variant (512 GB vs 128 GB) by the variants' levels.
  const vf = args.variantFactorOf ?? (() => 1);
  const itemVariant = vf(args.variant);
  let points = adjustedComparables(args).map((p) => ({
    w: p.w,
    logPrice: p.logPrice + Math.log(itemVariant / vf(p.variant)),
  }));
  if (points.length >= 3) {
    // Robust centre and spread: a mistyped price moves neither. The cut never goes below the
    // category's market noise, so an honestly dispersed model is not trimmed down to nothing.
    const logs = points.map((p) => p.logPrice);
    const med = median(logs);
    const mad = 1.4826 * median(logs.map((x) => Math.abs(x - med)));
    const cut = COMPARABLES_TRIM_SIGMAS * Math.max(params.residualSigma, mad);
    points = points.filter((p) => Math.abs(p.logPrice - med) <= cut);
  }
  if (points.length < MIN_COMPARABLES) return none;
  const sumW = points.reduce((s, p) => s + p.w, 0);
  const mean = points.reduce((s, p) => s + p.w * p.logPrice, 0) / sumW;
  let dispersion: number | null = null;
  if (points.length >= 2) {
    const v = points.reduce((s, p) => s + p.w * (p.logPrice - mean) ** 2, 0) / sumW;
    // Unbiased-ish correction with the Kish effective sample size.
    const kish = sumW ** 2 / points.reduce((s, p) => s + p.w * p.w, 0);
    dispersion = Math.sqrt((v * kish) / Math.max(1, kish - 1));
  }
  const weight = sumW / (sumW + params.comparablesPriorCount);
  const logBlend = (1 - weight) * Math.log(modelValue) + weight * mean;
  return {
    value: Math.exp(logBlend),
    weight,
    used: points.length,
    effectiveCount: sumW,
    dispersion,
    comparableValue: Math.exp(mean),
  };
}

function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}

/**
 * Log-space variance of what is still unknown about this product model's own price level after
 * its comparables (normal-normal posterior: prior τ² = σ²/k, n_eff observations of spread s, s
 * being the comparables' own dispersion once there are three).
 */
export function modelLevelVariance(params: CategoryParams, blend: ComparableBlend): number {
  const sigma = params.residualSigma;
  const tau2 = (sigma * sigma) / Math.max(1e-9, params.comparablesPriorCount);
  const s =
    blend.dispersion !== null && blend.used >= 3 ? Math.max(blend.dispersion, sigma / 4) : sigma;
  return 1 / (1 / tau2 + blend.effectiveCount / (s * s));
}

/**
 * Log-space sd of the price one item will sell at, around the blended estimate: the market noise
 * of a single sale (σ) plus the model level's remaining uncertainty.
 */
export function predictiveLogSd(params: CategoryParams, blend: ComparableBlend): number {
  return Math.sqrt(params.residualSigma ** 2 + modelLevelVariance(params, blend));
}

/** The ≈80 % interval is estimate · e^(±z·sd). */
export const RANGE_Z = 1.2816;

/** Unverified (declared) grades add this log-space uncertainty to quotes. */
const DECLARED_GRADE_SIGMA = 0.15;
/** Parameters that were never fitted for the category are guesses: extra log-space uncertainty. */
const UNFITTED_PARAMS_SIGMA = 0.1;
/** Confidence = exp(−sd / scale): sd 0.2 (±20 %) → 0.37, sd 0.05 → 0.78. */
const CONFIDENCE_SCALE = 0.2;

function assertFinitePositive(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number >= 0`);
}

/**
 * Prices one item. Pure and deterministic: same input and parameters, same output.
 *
 * value = launch × max(floor, base·e^(−rate·age)) × Πextra × grade, blended with comparables,
 * minus defect deductions; every step is a breakdown line and the lines sum to `amountMinor`.
 */
export function valuate(
  input: ValuationInput,
  paramSet: ValuationParamSet = defaultParamSet(),
): Valuation {
  const { productModel: pm, valuationDate } = input;
  assertFinitePositive('launchPriceMinor', pm.launchPriceMinor);
  const resolved = paramsForCategory(paramSet, pm.categoryCode, pm.family);
  const params = resolved.params ?? DEFAULT_FAMILY_PARAMS.general;

  const ageYears = Math.max(
    0,
    input.ageYears ??
      (valuationDate.getTime() - pm.launchDate.getTime()) / MS_PER_DAY / DAYS_PER_YEAR,
  );
  if (!Number.isFinite(ageYears)) throw new RangeError('ageYears must be finite');

  let gradeSource: 'inspected' | 'declared' = 'inspected';
  let grade: Grade;
  if (input.grade !== undefined) {
    grade = input.grade;
  } else {
    gradeSource = 'declared';
    grade = expectedGradeFromDeclared(input.declaredCondition ?? 'good');
  }

  // Float pipeline; `steps` holds the running value after each breakdown line.
  const steps: Array<{ line: Omit<ValuationLine, 'amountMinor'>; value: number }> = [];
  const launch = pm.launchPriceMinor;
  let value = launch * residualShare(params, ageYears);
  steps.push({
    line: {
      code: 'age-depreciation',
      label: `Age depreciation (${ageYears.toFixed(1)} years)`,
      ruleCode: 'exponential-depreciation',
    },
    value,
  });
  const extraFactors =
    typeof input.extraFactors === 'function' ? input.extraFactors(ageYears) : input.extraFactors;
  for (const f of extraFactors ?? []) {
    if (!Number.isFinite(f.factor) || f.factor <= 0) {
      throw new RangeError(`extra factor ${f.code} must be > 0`);
    }
    value *= f.factor;
    steps.push({ line: { code: `extra:${f.code}`, label: f.label, ruleCode: f.code }, value });
  }
  const region = regionFactor(paramSet, input.region);
  if (region !== 1) {
    value *= region;
    steps.push({
      line: {
        code: 'region',
        label: `Regional price level (${input.region})`,
        ruleCode: 'region-factor',
      },
      value,
    });
  }
  value *= gradeMultiplier(params, grade);
  steps.push({
    line: {
      code: 'grade',
      label: `Grade ${grade}${gradeSource === 'declared' ? ' (expected from declared condition)' : ''}`,
      ruleCode: 'grade-multiplier',
    },
    value,
  });
  const comparableArgs = {
    params,
    ageYears,
    grade,
    productModelId: pm.productModelId,
    valuationDate,
    comparables: input.comparables ?? [],
    region: input.region,
    regionFactorOf: (r: string | null | undefined) => regionFactor(paramSet, r),
  };
  const variants = input.variant
    ? fitVariantFactors(adjustedComparables(comparableArgs))
    : new Map<string, VariantFactor>();
  if (input.variant) {
    const fitted = variants.get(input.variant.code);
    value *= fitted?.factor ?? 1;
    const name = input.variant.label ?? input.variant.code;
    steps.push({
      line: {
        code: 'variant',
        label: fitted
          ? `Variant ${name} (×${fitted.factor.toFixed(3)}, from ${fitted.sales} sales)`
          : `Variant ${name} (no sales of it yet: priced as the model)`,
        ruleCode: 'variant-price-point',
      },
      value,
    });
  }
  const modelEstimate = value;

  const blend = blendWithComparables({
    ...comparableArgs,
    modelValue: value,
    variant: input.variant?.code,
    variantFactorOf: (v) => (v ? (variants.get(v)?.factor ?? 1) : 1),
  });
  value = blend.value;
  steps.push({
    line: {
      code: 'comparable-sales',
      label:
        blend.used > 0
          ? `Comparable sales (${blend.used}, weight ${(blend.weight * 100).toFixed(0)} %)`
          : 'Comparable sales (none)',
      ruleCode: 'empirical-bayes-blend',
    },
    value,
  });

  // Defects: shares apply to the same base so their order does not matter; if they would
  // exceed the whole value they are scaled down together (the item is worth nothing, not less).
  const base = value;
  const raw = (input.defects ?? []).map((d) => {
    let amount: number;
    if (d.deductionMinor !== undefined) {
      assertFinitePositive(`deductionMinor of ${d.checkId}`, d.deductionMinor);
      amount = d.deductionMinor;
    } else {
      const share = d.deductionShare ?? DEFAULT_SEVERITY_SHARES[d.severity];
      if (!Number.isFinite(share)) throw new RangeError(`deductionShare of ${d.checkId}`);
      amount = base * Math.min(1, Math.max(0, share));
    }
    // Sales that carry the defect move its deduction towards what buyers actually took off.
    let source = 'standard rule';
    if (d.learned && d.learned.sales > 0) {
      const w = d.learned.sales / (d.learned.sales + LEARNED_DEFECT_PRIOR_SALES);
      const learned = base * Math.min(1, Math.max(0, d.learned.share));
      amount = w * learned + (1 - w) * amount;
      source = `learned from ${d.learned.sales} sales, weight ${(w * 100).toFixed(0)} %`;
    }
    return { d, amount, source };
  });
  const totalDeduction = raw.reduce((s, r) => s + r.amount, 0);
  const scale = totalDeduction > base && totalDeduction > 0 ? base / totalDeduction : 1;
  for (const { d, amount, source } of raw) {
    value -= amount * scale;
    const declared = d.source === 'declared';
    steps.push({
      line: {
        code: `${declared ? 'declared' : 'defect'}:${d.checkId}`,
        label: `${declared ? 'Declared: ' : ''}${d.label} (${source})`,
        checkId: d.checkId,
        ...(d.ruleCode !== undefined ? { ruleCode: d.ruleCode } : {}),
      },
      value: Math.max(0, value),
    });
  }

  // Integer lines by telescoping rounded running values: they sum exactly to the amount.
  const lines: ValuationLine[] = [
    { code: 'launch-price', label: 'Launch price', amountMinor: Math.round(launch) },
  ];
  let prev = Math.round(launch);
  for (const s of steps) {
    const cur = Math.round(s.value);
    lines.push({ ...s.line, amountMinor: cur - prev });
    prev = cur;
  }
  const { amountMinor, unit, lines: rounding } = roundToUnit(prev, input.roundingUnitMinor ?? 100);
  lines.push(...rounding);

  // Uncertainty in log space: of the estimate itself (confidence: what comparables and fitted
  // parameters can remove) and of the price the item will sell at (the range: adds one sale's
  // market noise σ, so ~80 % of sales fall inside it).
  let extraVar = 0;
  if (resolved.source === 'family') extraVar += UNFITTED_PARAMS_SIGMA ** 2 * (1 - blend.weight);
  if (gradeSource === 'declared') extraVar += DECLARED_GRADE_SIGMA ** 2;
  const estimateSd = Math.sqrt(modelLevelVariance(params, blend) + extraVar);
  const sd = Math.sqrt(predictiveLogSd(params, blend) ** 2 + extraVar);
  const penalty = Math.min(1, Math.max(0, input.confidencePenalty ?? 0));
  const confidence = Math.exp(-estimateSd / CONFIDENCE_SCALE) * (1 - penalty);

  const lowMinor = Math.min(
    amountMinor,
    Math.floor((amountMinor * Math.exp(-RANGE_Z * sd)) / unit) * unit,
  );
  const highMinor = Math.max(
    amountMinor,
    Math.ceil((amountMinor * Math.exp(RANGE_Z * sd)) / unit) * unit,
  );

  return {
    amountMinor,
    lowMinor: Math.max(0, lowMinor),
    highMinor,
    confidence: Math.min(1, Math.max(0, confidence)),
    currency: 'CNY',
    lines,
    modelVersion: `${ENGINE_VERSION}+${paramSet.version}`,
    details: {
      categoryCode: pm.categoryCode,
      family: resolved.family,
      ageYears,
      grade,
      gradeSource,
      comparablesUsed: blend.used,
      comparablesEffectiveCount: blend.effectiveCount,
      comparablesWeight: blend.weight,
      comparablesDispersion: blend.dispersion,
      modelEstimateMinor: Math.round(modelEstimate),
    },
  };
}

/**
 * The model's value (minor units, float, before comparables and defects): the building block the
 * fit and the bench use to score parameters.
 */
export function modelValue(
  params: CategoryParams,
  launchPriceMinor: number,
  ageYears: number,
  grade: Grade,
): number {
  return launchPriceMinor * residualShare(params, ageYears) * gradeMultiplier(params, grade);
}
