import { createHash } from 'node:crypto';
import { modelValue } from './model.js';
import {
  DEFAULT_FAMILY_PARAMS,
  categorySegments,
  defaultParamSet,
  paramsForCategory,
  regionFactor,
  resolveFamily,
  unflooredShare,
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
  /** Sales region (a fitted price level per region). */
  region?: string | null;
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
  /**
   * The same for each bend of the curve (pseudo-observations). Bends are easily confused with
   * product models of different ages, so they move only when many sales agree. Default 20.
   */
  bendPriorStrength?: number;
  /** Stamped into the version string (yyyymmdd). */
  fittedAt?: Date;
}

export interface CategoryFitDiagnostics {
  categoryCode: string;
  /**
   * 'leaf': the sales' own category; 'ancestor': a parent pooled over its children (their
   * prior). Absent in versions fitted before parents were.
   */
  level?: 'leaf' | 'ancestor';
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
    /** Parent categories fitted on their children's pooled sales: the children's prior. */
    ancestors?: CategoryFitDiagnostics[];
    /** Absent in versions fitted before regions were. */
    regionFactors?: Record<string, number>;
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

/**
 * Ages (years) where the log-share curve may bend. Dense in the first year, where second-hand
 * prices fall fastest after a launch; the ridge prior keeps each bend at the parent's value
 * unless the sales say otherwise.
 */
export const CURVE_KNOTS: readonly number[] = [0.25, 0.5, 1, 2, 4];

/** Row of the design matrix: θ = [a, rate, bend₁…bendₖ, log good, log scrap]. */
const row = (s: SaleRecord): number[] => [
  1,
  -s.ageYears,
  ...CURVE_KNOTS.map((k) => Math.max(0, s.ageYears - k)),
  s.grade === 'good' ? 1 : 0,
  s.grade === 'scrap' ? 1 : 0,
];

function ridgeFit(
  sales: readonly SaleRecord[],
  prior: number[],
  priorStrength: number,
  bendPriorStrength: number,
  region: (s: SaleRecord) => number,
): number[] {
  const p = prior.length;
  const XtX = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const Xty = new Array<number>(p).fill(0);
  const sq = new Array<number>(p).fill(0);
  const nz = new Array<number>(p).fill(0);
  for (const s of sales) {
    const x = row(s);
    const y = Math.log(s.priceMinor / (s.launchPriceMinor * region(s)));
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
    const isBend = i >= 2 && i < 2 + CURVE_KNOTS.length;
    const lambda = (isBend ? bendPriorStrength : priorStrength) * (nz[i] > 0 ? sq[i] / nz[i] : 1);
    XtX[i][i] += lambda;
    Xty[i] += lambda * prior[i];
  }
  return solveLinear(XtX, Xty);
}

function toParams(theta: number[], base: CategoryParams, clamped: string[]): CategoryParams {
  const [a, rate0] = theta;
  const bends0 = theta.slice(2, 2 + CURVE_KNOTS.length);
  const [lg, ls] = theta.slice(2 + CURVE_KNOTS.length);
  let rate = rate0;
  if (rate < 0) {
    rate = 0;
    clamped.push('rate>=0');
  }
  if (rate > 3) {
    rate = 3;
    clamped.push('rate<=3');
  }
  // Second-hand value never rises with age: each segment's slope is kept at or below zero.
  let slope = -rate;
  const curveBends = CURVE_KNOTS.map((ageYears, i) => {
    let slopeChange = bends0[i];
    if (slope + slopeChange > 0) {
      slopeChange = -slope;
      clamped.push(`slope-after-${ageYears}y<=0`);
    }
    slope += slopeChange;
    return { ageYears, slopeChange };
  });
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
    curveBends,
    gradeMultipliers: { premium: 1, good, scrap },
  };
}

/** The parameters as the regression's coefficient vector (the prior of a child's fit). */
function toTheta(p: CategoryParams): number[] {
  const bends = new Map((p.curveBends ?? []).map((b) => [b.ageYears, b.slopeChange]));
  return [
    Math.log(p.baseShare),
    p.annualDepreciationRate,
    ...CURVE_KNOTS.map((k) => bends.get(k) ?? 0),
    Math.log(p.gradeMultipliers.good),
    Math.log(p.gradeMultipliers.scrap),
  ];
}

const logResidual = (p: CategoryParams, s: SaleRecord, region = 1): number =>
  Math.log(s.priceMinor / (modelValue(p, s.launchPriceMinor, s.ageYears, s.grade) * region));

/**
 * Method-of-moments one-way random effects on residuals grouped by product model and grade:
 * σ² within groups, τ² between group levels. k = σ²/τ² is the comparables shrinkage constant.
 */
function varianceComponents(
  sales: readonly SaleRecord[],
  p: CategoryParams,
  region: (s: SaleRecord) => number,
): { sigma: number; tau: number } | null {
  const groups = new Map<string, number[]>();
  for (const s of sales) {
    if (s.productModelId === undefined) continue;
    const key = `${s.productModelId}|${s.grade}`;
    const g = groups.get(key) ?? [];
    g.push(logResidual(p, s, region(s)));
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

/** A category and its parents: 'a.b.c' → ['a', 'a.b', 'a.b.c'] (normalised segments). */
function codeAndAncestors(code: string): string[] {
  const segs = categorySegments(code);
  return segs.map((_, i) => segs.slice(0, i + 1).join('.'));
}

/** Regions with fewer sales keep factor 1: too little to tell a premium from noise. */
const MIN_REGION_SALES = 30;

/**
 * Refits per-category parameters by (ridge-regularised) least squares on
 * log(price / (launch · region)) = a − rate·age + Σ bend·max(0, age − knot) + log(gradeFactor),
 * premium as reference grade. Parent categories are fitted first on their children's pooled
 * sales, and each child's ridge prior is its parent's fit (shrinkage: a sparse child stays near
 * its parent; a child with fewer than `minSales` sales is priced by its parent). Sales the floor
 * binds and gross outliers (> 4σ) are excluded in later passes so they cannot bend the curve.
 * Region price levels are estimated from the residuals (shrunk towards 1) and the categories
 * refitted once with them. Floors and recency half-lives are kept from `base`.
 */
export function fitParams(sales: readonly SaleRecord[], options: FitOptions = {}): FitResult {
  const base = options.base ?? defaultParamSet();
  const minSales = options.minSales ?? 12;
  const priorStrength = options.priorStrength ?? 2;
  const bendPriorStrength = options.bendPriorStrength ?? 20;

  const byCategory = new Map<string, SaleRecord[]>();
  const byLevel = new Map<string, SaleRecord[]>();
  const leafKey = new Map<string, string>();
  for (const s of sales) {
    if (!usable(s)) continue;
    const list = byCategory.get(s.categoryCode) ?? [];
    list.push(s);
    byCategory.set(s.categoryCode, list);
    const levels = codeAndAncestors(s.categoryCode);
    leafKey.set(s.categoryCode, levels[levels.length - 1]);
    for (const level of levels.slice(0, -1)) {
      const l = byLevel.get(level) ?? [];
      l.push(s);
      byLevel.set(level, l);
    }
  }
  const leafLevels = new Set(leafKey.values());

  let regionFactors: Record<string, number> = {};
  const region = (s: SaleRecord): number => (s.region ? (regionFactors[s.region] ?? 1) : 1);

  const fitOne = (
    code: string,
    list: readonly SaleRecord[],
    start: CategoryParams,
    level: 'leaf' | 'ancestor',
  ): { diag: CategoryFitDiagnostics; resid: number[] } => {
    if (list.length < minSales) {
      return {
        diag: {
          categoryCode: code,
          level,
          family: start.family,
          status: 'too-few-sales',
          n: list.length,
          used: 0,
          residualStd: 0,
          withinSigma: null,
          betweenTau: null,
          clamped: [],
          params: start,
        },
        resid: [],
      };
    }
    const prior = toTheta(start);
    let used: readonly SaleRecord[] = list;
    let clamped: string[] = [];
    let fitted = start;
    for (let pass = 0; pass < 4; pass++) {
      clamped = [];
      fitted = toParams(
        ridgeFit(used, prior, priorStrength, bendPriorStrength, region),
        start,
        clamped,
      );
      const resid = list.map((s) => logResidual(fitted, s, region(s)));
      const cut = 4 * Math.max(robustStd(resid), 1e-3);
      const next = list.filter(
        (s, i) =>
          unflooredShare(fitted, s.ageYears) > fitted.floorShare && Math.abs(resid[i]) <= cut,
      );
      if (next.length < minSales || next.length === used.length) break;
      used = next;
    }
    const resid = used.map((s) => logResidual(fitted, s, region(s)));
    const vc = varianceComponents(used, fitted, region);
    const residualStd = std(resid);
    const params: CategoryParams = {
      ...fitted,
      residualSigma: vc ? vc.sigma : residualStd,
      comparablesPriorCount: vc
        ? Math.min(100, Math.max(0.25, (vc.sigma * vc.sigma) / (vc.tau * vc.tau)))
        : start.comparablesPriorCount,
    };
    return {
      diag: {
        categoryCode: code,
        level,
        family: params.family,
        status: 'fitted',
        n: list.length,
        used: used.length,
        residualStd,
        withinSigma: vc?.sigma ?? null,
        betweenTau: vc?.tau ?? null,
        clamped,
        params,
      },
      resid,
    };
  };

  let categories: Record<string, CategoryParams> = {};
  let diagnostics: CategoryFitDiagnostics[] = [];
  let ancestors: CategoryFitDiagnostics[] = [];
  let pooled: number[] = [];
  const fitAll = () => {
    categories = { ...base.categories };
    diagnostics = [];
    ancestors = [];
    pooled = [];
    const fittedLevels = new Map<string, CategoryParams>();
    // `family`: of the sales' own category, so that a parent code like 'digital.wearables'
    // starts from the wearable defaults even though its own words name no family.
    const startFor = (level: string, family: CategoryParams['family']): CategoryParams => {
      const parts = level.split('.');
      for (let len = parts.length - 1; len >= 1; len--) {
        const p = fittedLevels.get(parts.slice(0, len).join('.'));
        if (p) return p;
      }
      return paramsForCategory(base, level, family).params ?? DEFAULT_FAMILY_PARAMS[family];
    };
    // Parents before children: shorter codes first.
    // A parent of children of different families (phones and laptops under 'digital') is no
    // sensible prior for either, so only single-family parents are fitted.
    const levels = [...byLevel.keys()]
      .filter(
        (l) =>
          !leafLevels.has(l) &&
          new Set(byLevel.get(l)!.map((s) => resolveFamily(s.categoryCode))).size === 1,
      )
      .sort((a, b) => a.split('.').length - b.split('.').length || a.localeCompare(b));
    for (const level of levels) {
      const list = byLevel.get(level)!;
      const family = resolveFamily(list[0].categoryCode);
      const { diag } = fitOne(level, list, startFor(level, family), 'ancestor');
      ancestors.push(diag);
      if (diag.status === 'fitted') {
        fittedLevels.set(level, diag.params);
        categories[level] = diag.params;
      }
    }
    for (const code of [...byCategory.keys()].sort()) {
      const key = leafKey.get(code)!;
      const own = paramsForCategory(base, code);
      const start = own.source === 'category' ? own.params : startFor(key, own.family);
      const { diag, resid } = fitOne(code, byCategory.get(code)!, start, 'leaf');
      diagnostics.push(diag);
      if (diag.status === 'fitted') {
        categories[code] = diag.params;
        pooled.push(...resid);
      }
    }
  };
  fitAll();

  // Region levels: the mean log residual per region, shrunk towards 0 like any random effect.
  const regionResid = new Map<string, number[]>();
  for (const s of sales) {
    if (!usable(s) || !s.region) continue;
    const { params } = paramsForCategory({ ...base, categories }, s.categoryCode);
    const r = logResidual(params, s);
    if (Math.abs(r) > 4 * params.residualSigma) continue;
    const list = regionResid.get(s.region) ?? [];
    list.push(r);
    regionResid.set(s.region, list);
  }
  if (regionResid.size >= 2) {
    const all = [...regionResid.values()].flat();
    const overall = all.reduce((a, b) => a + b, 0) / all.length;
    const s2 = std(all) ** 2;
    const next: Record<string, number> = {};
    for (const [code, list] of regionResid) {
      if (list.length < MIN_REGION_SALES) continue;
      const mean = list.reduce((a, b) => a + b, 0) / list.length - overall;
      // Shrink with the same normal-normal weight as comparables, a region prior sd of 0.1.
      const w = list.length / (list.length + s2 / 0.01);
      const f = Math.exp(w * mean);
      if (Math.abs(Math.log(f)) > 0.005) next[code] = f;
    }
    if (Object.keys(next).length > 0) {
      regionFactors = next;
      fitAll();
    }
  }

  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        Object.keys(categories)
          .sort()
          .map((k) => [k, categories[k]]),
        regionFactors,
      ]),
    )
    .digest('hex')
    .slice(0, 10);
  const date = options.fittedAt
    ? options.fittedAt.toISOString().slice(0, 10).replaceAll('-', '')
    : null;
  const version = date ? `fit-${date}-${digest}` : `fit-${digest}`;
  return {
    params: {
      version,
      families: structuredClone(base.families),
      categories,
      ...(Object.keys(regionFactors).length > 0 ? { regionFactors } : {}),
    },
    diagnostics: {
      version,
      n: [...byCategory.values()].reduce((s, l) => s + l.length, 0),
      residualStd:
        pooled.length > 1 ? Math.sqrt(pooled.reduce((a, r) => a + r * r, 0) / pooled.length) : 0,
      categories: diagnostics,
      ancestors,
      regionFactors,
    },
  };
}

/** 1.4826 × median absolute deviation: a σ that a few outliers cannot inflate. */
export function robustStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const med = median(xs);
  return 1.4826 * median(xs.map((x) => Math.abs(x - med)));
}

export function median(xs: readonly number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const mid = a.length >> 1;
  return a.length % 2 ? a[mid] : (a[mid - 1] + a[mid]) / 2;
}

/** The model's price (before comparables and defects) for a sale, under a parameter set. */
export function predictSalePrice(paramSet: ValuationParamSet, sale: SaleRecord): number {
  const { params } = paramsForCategory(paramSet, sale.categoryCode);
  return (
    modelValue(params, sale.launchPriceMinor, sale.ageYears, sale.grade) *
    regionFactor(paramSet, sale.region)
  );
}

/** Mean absolute percentage error, |actual − predicted| / actual, as a fraction. */
export function mape(pairs: ReadonlyArray<{ actual: number; predicted: number }>): number {
  if (pairs.length === 0) return NaN;
  return pairs.reduce((s, p) => s + Math.abs(p.actual - p.predicted) / p.actual, 0) / pairs.length;
}
