import { createHash } from 'node:crypto';
import { modelValue } from './model.js';
import {
  DEFAULT_FAMILY_PARAMS,
  defaultParamSet,
  paramsForCategory,
  resolveFamily,
} from './params.js';
import type { CategoryParams, Grade, ValuationParamSet } from './types.js';

/** One past sale, as the refit job reads it from the sales history. */
export interface SaleRecord {
  categoryCode: string;
  launchPriceMinor: number;
  ageYears: number;
  grade: Grade;
  priceMinor: number;
  /** Lets the fit estimate how much product models differ (the comparables shrinkage k). */
  productModelId?: string;
  soldAt?: Date;
}

export interface FitOptions {
  /** Parameters to start from (priors, floors, half-lives); defaults to the family defaults. */
  base?: ValuationParamSet;
  /** Categories with fewer usable sales keep their current parameters. Default 12. */
  minSales?: number;
  /**
   * Ridge prior towards the current parameters, in pseudo-observations per coefficient.
   * Keeps thin categories sensible (e.g. no scrap sales → scrap multiplier unchanged). Default 2.
   */
  priorStrength?: number;
  /** Stamped into the version string (yyyymmdd). */
  fittedAt?: Date;
}

export interface CategoryFitDiagnostics {
  categoryCode: string;
  family: CategoryParams['family'];
  status: 'fitted' | 'too-few-sales';
  /** Sales of the category. */
  n: number;
  /** Sales used in the final pass (floor-bound points and gross outliers excluded). */
  used: number;
  /** Std of log(price / predicted) over the used sales. */
  residualStd: number;
  /** Within product-model/grade spread σ and between-model spread τ (log space), when estimable. */
  withinSigma: number | null;
  betweenTau: number | null;
  /** Bounds that had to be applied (e.g. 'rate>=0', 'scrap<=good'). */
  clamped: string[];
  params: CategoryParams;
}

export interface FitResult {
  params: ValuationParamSet;
  diagnostics: {
    version: string;
    n: number;
    /** Pooled std of log residuals over fitted categories. */
    residualStd: number;
    categories: CategoryFitDiagnostics[];
  };
}

/** Solves (A) x = b for a small dense system by Gaussian elimination with partial pivoting. */
export function solveLinear(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    if (Math.abs(M[pivot][col]) < 1e-12) throw new RangeError('singular system');
    [M[col], M[pivot]] = [M[pivot], M[col]];
    for (let r = col + 1; r < n; r++) {
      const f = M[r][col] / M[col][col];
      for (let c = col; c <= n; c++) M[r][c] -= f * M[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let c = r + 1; c < n; c++) s -= M[r][c] * x[c];
    x[r] = s / M[r][r];
  }
  return x;
}

const usable = (s: SaleRecord): boolean =>
  s.priceMinor > 0 &&
  s.launchPriceMinor > 0 &&
  Number.isFinite(s.priceMinor) &&
  Number.isFinite(s.launchPriceMinor) &&
  Number.isFinite(s.ageYears) &&
  s.ageYears >= 0;

/** Row of the design matrix: θ = [a, rate, log good, log scrap]. */
const row = (s: SaleRecord): number[] => [
  1,
  -s.ageYears,
  s.grade === 'good' ? 1 : 0,
  s.grade === 'scrap' ? 1 : 0,
];

function ridgeFit(sales: readonly SaleRecord[], prior: number[], priorStrength: number): number[] {
  const p = prior.length;
  const XtX = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const Xty = new Array<number>(p).fill(0);
  const sq = new Array<number>(p).fill(0);
  const nz = new Array<number>(p).fill(0);
  for (const s of sales) {
    const x = row(s);
    const y = Math.log(s.priceMinor / s.launchPriceMinor);
    for (let i = 0; i < p; i++) {
      Xty[i] += x[i] * y;
      if (x[i] !== 0) {
        sq[i] += x[i] * x[i];
        nz[i] += 1;
      }
      for (let j = 0; j < p; j++) XtX[i][j] += x[i] * x[j];
    }
  }
  // λ_j = priorStrength × a typical x_j², i.e. the prior is worth `priorStrength` sales.
  for (let i = 0; i < p; i++) {
    const lambda = priorStrength * (nz[i] > 0 ? sq[i] / nz[i] : 1);
    XtX[i][i] += lambda;
    Xty[i] += lambda * prior[i];
  }
  return solveLinear(XtX, Xty);
}

function toParams(theta: number[], base: CategoryParams, clamped: string[]): CategoryParams {
  const [a, rate0, lg, ls] = theta;
  let rate = rate0;
  if (rate < 0) {
    rate = 0;
    clamped.push('rate>=0');
  }
  if (rate > 3) {
    rate = 3;
    clamped.push('rate<=3');
  }
  let baseShare = Math.exp(a);
  if (baseShare > 1.5) {
    baseShare = 1.5;
    clamped.push('baseShare<=1.5');
  }
  let good = Math.exp(lg);
  if (good > 1) {
    good = 1;
    clamped.push('good<=premium');
  }
  let scrap = Math.exp(ls);
  if (scrap > good) {
    scrap = good;
    clamped.push('scrap<=good');
  }
  return {
    ...base,
    baseShare,
    annualDepreciationRate: rate,
    gradeMultipliers: { premium: 1, good, scrap },
  };
}

const logResidual = (p: CategoryParams, s: SaleRecord): number =>
  Math.log(s.priceMinor / modelValue(p, s.launchPriceMinor, s.ageYears, s.grade));

/**
 * Method-of-moments one-way random effects on residuals grouped by product model and grade:
 * σ² within groups, τ² between group levels. k = σ²/τ² is the comparables shrinkage constant.
 */
function varianceComponents(
  sales: readonly SaleRecord[],
  p: CategoryParams,
): { sigma: number; tau: number } | null {
  const groups = new Map<string, number[]>();
  for (const s of sales) {
    if (s.productModelId === undefined) continue;
    const key = `${s.productModelId}|${s.grade}`;
    const g = groups.get(key) ?? [];
    g.push(logResidual(p, s));
    groups.set(key, g);
  }
  let within = 0;
  let dfWithin = 0;
  let total = 0;
  for (const g of groups.values()) {
    const m = g.reduce((x, y) => x + y, 0) / g.length;
    for (const r of g) within += (r - m) ** 2;
    dfWithin += g.length - 1;
    total += g.length;
  }
  if (dfWithin < 5 || groups.size < 3) return null;
  const sigma2 = within / dfWithin;
  let between = 0;
  for (const g of groups.values()) {
    const m = g.reduce((x, y) => x + y, 0) / g.length;
    between += g.length * m * m - sigma2;
  }
  const tau2 = Math.max(between / total, 1e-6);
  return { sigma: Math.sqrt(sigma2), tau: Math.sqrt(tau2) };
}

function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Refits per-category parameters by (ridge-regularised) least squares on
 * log(price / launch) = a − rate·age + log(gradeFactor), premium as reference grade.
 * Sales the floor binds (value at the floor share) and gross outliers (> 4σ) are excluded in a
 * second pass, so they cannot bend the curve. Floors and recency half-lives are kept from `base`.
 */
export function fitParams(sales: readonly SaleRecord[], options: FitOptions = {}): FitResult {
  const base = options.base ?? defaultParamSet();
  const minSales = options.minSales ?? 12;
  const priorStrength = options.priorStrength ?? 2;

  const byCategory = new Map<string, SaleRecord[]>();
  for (const s of sales) {
    if (!usable(s)) continue;
    const list = byCategory.get(s.categoryCode) ?? [];
    list.push(s);
    byCategory.set(s.categoryCode, list);
  }

  const categories: Record<string, CategoryParams> = { ...base.categories };
  const diagnostics: CategoryFitDiagnostics[] = [];
  const pooled: number[] = [];
  for (const code of [...byCategory.keys()].sort()) {
    const list = byCategory.get(code)!;
    const start =
      paramsForCategory(base, code).params ?? DEFAULT_FAMILY_PARAMS[resolveFamily(code)];
    if (list.length < minSales) {
      diagnostics.push({
        categoryCode: code,
        family: start.family,
        status: 'too-few-sales',
        n: list.length,
        used: 0,
        residualStd: 0,
        withinSigma: null,
        betweenTau: null,
        clamped: [],
        params: start,
      });
      continue;
    }
    const prior = [
      Math.log(start.baseShare),
      start.annualDepreciationRate,
      Math.log(start.gradeMultipliers.good),
      Math.log(start.gradeMultipliers.scrap),
    ];
    let used: SaleRecord[] = list;
    let clamped: string[] = [];
    let fitted = start;
    for (let pass = 0; pass < 4; pass++) {
      clamped = [];
      fitted = toParams(ridgeFit(used, prior, priorStrength), start, clamped);
      const resid = list.map((s) => logResidual(fitted, s));
      const cut = 4 * Math.max(std(resid), 1e-3);
      const next = list.filter((s, i) => {
        const unfloored = fitted.baseShare * Math.exp(-fitted.annualDepreciationRate * s.ageYears);
        return unfloored > fitted.floorShare && Math.abs(resid[i]) <= cut;
      });
      if (next.length < minSales || next.length === used.length) break;
      used = next;
    }
    const resid = used.map((s) => logResidual(fitted, s));
    const vc = varianceComponents(used, fitted);
    const residualStd = std(resid);
    const params: CategoryParams = {
      ...fitted,
      residualSigma: vc ? vc.sigma : residualStd,
      comparablesPriorCount: vc
        ? Math.min(100, Math.max(0.25, (vc.sigma * vc.sigma) / (vc.tau * vc.tau)))
        : start.comparablesPriorCount,
    };
    categories[code] = params;
    pooled.push(...resid);
    diagnostics.push({
      categoryCode: code,
      family: params.family,
      status: 'fitted',
      n: list.length,
      used: used.length,
      residualStd,
      withinSigma: vc?.sigma ?? null,
      betweenTau: vc?.tau ?? null,
      clamped,
      params,
    });
  }

  const digest = createHash('sha256')
    .update(
      JSON.stringify(
        Object.keys(categories)
          .sort()
          .map((k) => [k, categories[k]]),
      ),
    )
    .digest('hex')
    .slice(0, 10);
  const date = options.fittedAt
    ? options.fittedAt.toISOString().slice(0, 10).replaceAll('-', '')
    : null;
  const version = date ? `fit-${date}-${digest}` : `fit-${digest}`;
  return {
    params: { version, families: structuredClone(base.families), categories },
    diagnostics: {
      version,
      n: [...byCategory.values()].reduce((s, l) => s + l.length, 0),
      residualStd:
        pooled.length > 1 ? Math.sqrt(pooled.reduce((a, r) => a + r * r, 0) / pooled.length) : 0,
      categories: diagnostics,
    },
  };
}

/** The model's price (before comparables and defects) for a sale, under a parameter set. */
export function predictSalePrice(paramSet: ValuationParamSet, sale: SaleRecord): number {
  const { params } = paramsForCategory(paramSet, sale.categoryCode);
  return modelValue(params, sale.launchPriceMinor, sale.ageYears, sale.grade);
}

/** Mean absolute percentage error, |actual − predicted| / actual, as a fraction. */
export function mape(pairs: ReadonlyArray<{ actual: number; predicted: number }>): number {
  if (pairs.length === 0) return NaN;
  return pairs.reduce((s, p) => s + Math.abs(p.actual - p.predicted) / p.actual, 0) / pairs.length;
}
