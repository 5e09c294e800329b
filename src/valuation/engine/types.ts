/**
 * Shared types of the pure valuation engine. Nothing here knows about NestJS, TypeORM or HTTP:
 * the acquisition, resale and vehicles modules feed facts in and persist what comes out.
 */

/** Same union as the core `Grade` of items; repeated here so the engine stays dependency-free. */
export type Grade = 'premium' | 'good' | 'scrap';
export const GRADES: readonly Grade[] = ['premium', 'good', 'scrap'];

/** How bad an inspection finding is; drives the default deduction share. */
export type DefectSeverity = 'none' | 'cosmetic' | 'functional' | 'critical';

/** Broad behaviour classes whose depreciation differs (phones fall fast, pianos slowly). */
export type CategoryFamily =
  | 'phone'
  | 'tablet'
  | 'computer'
  | 'camera'
  | 'wearable'
  | 'audio'
  | 'console'
  | 'appliance'
  | 'luxury-watch'
  | 'luxury-bag'
  | 'jewelry'
  | 'piano'
  | 'instrument'
  | 'vehicle'
  | 'bicycle'
  | 'furniture'
  | 'general';

/** Per-category (or per-family) model parameters. */
export interface CategoryParams {
  family: CategoryFamily;
  /**
   * Share of the launch price a premium item keeps right after launch (the "used" discount):
   * exp(a) in log(price/launch) = a − rate·age + log(gradeFactor).
   */
  baseShare: number;
  /** Exponential decay rate per year of age: value ∝ exp(−rate · age). */
  annualDepreciationRate: number;
  /**
   * Bends of the log-share curve: from `ageYears` on, the yearly log slope changes by
   * `slopeChange` (positive = flatter), so a sharp first-year drop or a curve that levels off is
   * not forced into one exponential rate. Absent = a plain exponential.
   */
  curveBends?: ReadonlyArray<{ ageYears: number; slopeChange: number }>;
  /** The premium value never falls below this share of the launch price (parts / collector value). */
  floorShare: number;
  /** Multipliers relative to premium (premium is 1 by construction). */
  gradeMultipliers: Record<Grade, number>;
  /**
   * Empirical-Bayes shrinkage constant: comparables get weight n / (n + k). k = σ²/τ² where σ is
   * the spread of single sales around their model/grade level and τ the spread of product-model
   * levels around the category curve.
   */
  comparablesPriorCount: number;
  /** Comparable sales lose half their weight every this many days. */
  comparablesHalfLifeDays: number;
  /** Comparable sales older than this are ignored entirely. */
  comparablesMaxAgeDays: number;
  /** σ: log-space spread of one sale around the model (market noise), used for ranges/confidence. */
  residualSigma: number;
}

/** A versioned set of parameters: family defaults plus fitted per-category overrides. */
export interface ValuationParamSet {
  version: string;
  families: Record<CategoryFamily, CategoryParams>;
  /** Keyed by category code (exact, or an ancestor code: 'digital.phones' covers 'digital.phones.smartphones'). */
  categories: Record<string, CategoryParams>;
  /** Fitted price level of a sales region relative to the market as a whole (absent = 1). */
  regionFactors?: Record<string, number>;
}

/** A finding from inspection (or a declared problem) that takes value off the item. */
export interface DefectDeduction {
  /** The inspection check that produced it; also the breakdown line's code (`defect:<checkId>`). */
  checkId: string;
  label: string;
  severity: DefectSeverity;
  /** Share (0..1) of the graded value to deduct; overrides the severity default. */
  deductionShare?: number;
  /** Fixed deduction in minor units (e.g. a known part price); overrides the share. */
  deductionMinor?: number;
  /** The grading rule that fired, for explanations. */
  ruleCode?: string;
  /**
   * Who says so: the owner's self-assessment (line `declared:<checkId>`, on a quote) or
   * inspection (line `defect:<checkId>`, the default).
   */
  source?: 'declared' | 'inspected';
  /** The answer that failed the check: with the check id, the code sales name the defect by. */
  answer?: unknown;
  /**
   * The deduction the sales carrying this defect show (`learnDefectShares`); it is blended with
   * the rule's amount by n / (n + LEARNED_DEFECT_PRIOR_SALES).
   */
  learned?: { share: number; sales: number };
}

/**
 * Extra multiplicative factor, e.g. mileage for vehicles (filled by the vehicles module):
 * `{ code: 'mileage', label: 'Mileage 84 000 km', factor: 0.91 }`.
 */
export interface ExtraFactor {
  code: string;
  label: string;
  /** Multiplier on the value after age depreciation (> 0). */
  factor: number;
}

/** A recent sale of the same product model, used to correct the model towards the market. */
export interface ComparableSale {
  priceMinor: number;
  soldAt: Date;
  grade: Grade;
  productModelId: string;
  region?: string | null;
  /** The variant the sale names (e.g. '512GB'), when it names one. */
  variant?: string | null;
}

/** One line of the price breakdown. Lines add up exactly to `amountMinor`. */
export interface ValuationLine {
  /**
   * Stable code: 'launch-price', 'age-depreciation', 'extra:<code>', 'grade',
   * 'variant', 'comparable-sales', 'declared:<checkId>', 'defect:<checkId>', 'rounding'.
   */
  code: string;
  label: string;
  /** Signed effect in minor units (the launch price line is positive, deductions negative). */
  amountMinor: number;
  /** For defect lines: the inspection check that caused it. */
  checkId?: string;
  /** The rule behind the line (e.g. 'grade-multiplier', a grading rule code). */
  ruleCode?: string;
}

export interface Valuation {
  amountMinor: number;
  lowMinor: number;
  highMinor: number;
  /** 0..1: how much to trust the amount (comparables raise it, dispersion/fraud lower it). */
  confidence: number;
  currency: 'CNY';
  lines: ValuationLine[];
  modelVersion: string;
  /** How the estimate was formed; handy for logs and customer service. */
  details: {
    categoryCode: string;
    family: CategoryFamily;
    ageYears: number;
    grade: Grade;
    gradeSource: 'inspected' | 'declared';
    comparablesUsed: number;
    comparablesEffectiveCount: number;
    comparablesWeight: number;
    comparablesDispersion: number | null;
    modelEstimateMinor: number;
  };
}
