import { describe, expect, it } from '@jest/globals';
import { runValuationBenchmark } from './evaluate.js';
import { fitParams, mape, predictSalePrice, solveLinear, type SaleRecord } from './fit.js';
import { DEFAULT_FAMILY_PARAMS, defaultParamSet, residualShare, unflooredShare } from './params.js';
import {
  generateSyntheticMarket,
  trueValue,
  type SyntheticCategorySpec,
} from './synthetic-market.js';

describe('solveLinear', () => {
  it('solves a small system and refuses a singular one', () => {
    const x = solveLinear(
      [
        [2, 1, 0],
        [1, 3, 1],
        [0, 1, 4],
      ],
      [4, 10, 14],
    );
    expect(x[0]).toBeCloseTo(1, 10);
    expect(x[1]).toBeCloseTo(2, 10);
    expect(x[2]).toBeCloseTo(3, 10);
    expect(() =>
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(RangeError);
  });
});

describe('fitParams', () => {
  const market = generateSyntheticMarket({ seed: 7, salesCount: 6000, noiseSigma: 0.1 });
  const fit = fitParams(market.sales, { fittedAt: new Date('2025-06-01T00:00:00Z') });

  it('recovers the known parameters of every synthetic category within tolerance', () => {
    for (const [code, truth] of Object.entries(market.trueParams)) {
      const p = fit.params.categories[code];
      expect(p).toBeDefined();
      // The curve, not its coefficients: a bend and the rate can trade off on the same sales.
      for (const age of [0.25, 0.5, 1, 2, 3, 4]) {
        const share = trueValue(truth, 1, age, 'premium');
        expect(Math.abs(residualShare(p, age) / share - 1)).toBeLessThan(0.05);
      }
      expect(Math.abs(p.gradeMultipliers.good / truth.gradeMultipliers.good - 1)).toBeLessThan(
        0.05,
      );
      expect(Math.abs(p.gradeMultipliers.scrap / truth.gradeMultipliers.scrap - 1)).toBeLessThan(
        0.08,
      );
      expect(p.gradeMultipliers.premium).toBe(1);
    }
  });

  it('reports diagnostics: n, residual std near the noise sigma, a dated version', () => {
    expect(fit.diagnostics.n).toBe(6000);
    expect(fit.diagnostics.residualStd).toBeGreaterThan(0.09);
    expect(fit.diagnostics.residualStd).toBeLessThan(0.11);
    for (const c of fit.diagnostics.categories) {
      expect(c.status).toBe('fitted');
      expect(c.residualStd).toBeGreaterThan(0.08);
      expect(c.residualStd).toBeLessThan(0.12);
    }
    expect(fit.diagnostics.version).toMatch(/^fit-20250601-[0-9a-f]{10}$/);
    expect(fit.params.version).toBe(fit.diagnostics.version);
  });

  it('is deterministic: same sales, same version', () => {
    const again = fitParams(market.sales, { fittedAt: new Date('2025-06-01T00:00:00Z') });
    expect(again.params).toEqual(fit.params);
  });

  it('keeps the defaults for categories with too few sales', () => {
    const few = market.sales
      .filter((s) => s.categoryCode === 'instruments.pianos.upright')
      .slice(0, 5);
    const r = fitParams(few);
    expect(r.diagnostics.categories[0]).toMatchObject({ status: 'too-few-sales', n: 5 });
    expect(r.params.categories['instruments.pianos.upright']).toBeUndefined();
  });

  it('is not bent by sales that sit on the floor', () => {
    const spec: SyntheticCategorySpec = {
      categoryCode: 'digital.wearables.smartwatches',
      params: {
        baseShare: 0.7,
        annualDepreciationRate: 0.6,
        floorShare: 0.1,
        gradeMultipliers: { premium: 1, good: 0.7, scrap: 0.2 },
      },
      launchPriceMinor: [100_000, 500_000],
      modelCount: 20,
      weight: 1,
    };
    // Ages up to ~8 years: the curve reaches the floor after ~3.2 years.
    const m = generateSyntheticMarket({
      seed: 3,
      salesCount: 3000,
      noiseSigma: 0.08,
      categories: [spec],
      launchSpreadYears: 6,
    });
    const base = defaultParamSet();
    base.families.wearable = { ...DEFAULT_FAMILY_PARAMS.wearable, floorShare: 0.1 };
    const r = fitParams(m.sales, { base });
    const p = r.params.categories[spec.categoryCode];
    for (const age of [0.5, 1, 2, 3]) {
      const truth = 0.7 * Math.exp(-0.6 * age);
      expect(Math.abs(unflooredShare(p, age) / truth - 1)).toBeLessThan(0.05);
    }
    expect(r.diagnostics.categories[0].used).toBeLessThan(r.diagnostics.categories[0].n);
  });

  it('ignores unusable sales and clamps impossible estimates', () => {
    const sales: SaleRecord[] = Array.from({ length: 40 }, (_, i) => ({
      categoryCode: 'misc.things',
      launchPriceMinor: 10_000,
      ageYears: i / 10,
      grade: i % 2 === 0 ? 'premium' : 'good',
      // Appreciating prices, good worth more than premium: both get clamped.
      priceMinor: Math.round(5000 * Math.exp(0.2 * (i / 10)) * (i % 2 === 0 ? 1 : 1.2)),
    }));
    sales.push({
      categoryCode: 'misc.things',
      launchPriceMinor: 0,
      ageYears: 1,
      grade: 'good',
      priceMinor: 5,
    });
    sales.push({
      categoryCode: 'misc.things',
      launchPriceMinor: 100,
      ageYears: NaN,
      grade: 'good',
      priceMinor: 5,
    });
    const r = fitParams(sales);
    const d = r.diagnostics.categories[0];
    expect(d.n).toBe(40);
    expect(d.clamped).toContain('good<=premium');
    expect(d.clamped.some((c) => c === 'rate>=0' || c.startsWith('slope-after-'))).toBe(true);
    // Value never rises with age, whatever the sales say.
    for (let age = 0; age < 4; age += 0.1) {
      expect(unflooredShare(d.params, age + 0.1)).toBeLessThanOrEqual(
        unflooredShare(d.params, age) + 1e-12,
      );
    }
    expect(d.params.gradeMultipliers.good).toBeLessThanOrEqual(1);
  });

  it('estimates the comparables shrinkage k = σ²/τ² from model-level spread', () => {
    const m = generateSyntheticMarket({
      seed: 11,
      salesCount: 8000,
      noiseSigma: 0.1,
      modelEffectSigma: 0.1,
    });
    const r = fitParams(m.sales);
    for (const c of r.diagnostics.categories) {
      // true k = 0.01 / 0.01 = 1; few models per category makes τ noisy, so a loose band.
      expect(c.params.comparablesPriorCount).toBeGreaterThan(0.3);
      expect(c.params.comparablesPriorCount).toBeLessThan(4);
      expect(c.withinSigma!).toBeGreaterThan(0.09);
      expect(c.withinSigma!).toBeLessThan(0.11);
    }
  });
});

describe('refit quality on held-out sales', () => {
  it('the refit beats the launch-price-only default and comparables close the gap to the noise floor', () => {
    const r = runValuationBenchmark({
      seed: 42,
      salesCount: 6000,
      noiseSigma: 0.1,
      modelEffectSigma: 0.08,
    });
    expect(r.fitted.mape).toBeLessThan(r.launchPriceOnly.mape * 0.6);
    expect(r.fittedWithComparables.mape).toBeLessThan(r.fitted.mape);
    expect(r.fittedWithComparables.ratio).toBeLessThan(1.15);
    expect(r.fittedWithComparables.ratio).toBeGreaterThan(0.95);
  });

  it('without model effects the fitted model alone sits at the noise floor', () => {
    const r = runValuationBenchmark({ seed: 5, salesCount: 5000, noiseSigma: 0.15 });
    expect(r.fitted.ratio).toBeLessThan(1.05);
    expect(r.fittedWithComparables.ratio).toBeLessThan(1.06);
  });

  it('mape and predictSalePrice', () => {
    expect(
      mape([
        { actual: 100, predicted: 90 },
        { actual: 200, predicted: 220 },
      ]),
    ).toBeCloseTo(0.1, 12);
    expect(mape([])).toBeNaN();
    const sale: SaleRecord = {
      categoryCode: 'digital.phones.x',
      launchPriceMinor: 100_000,
      ageYears: 0,
      grade: 'premium',
      priceMinor: 1,
    };
    expect(predictSalePrice(defaultParamSet(), sale)).toBeCloseTo(
      100_000 * DEFAULT_FAMILY_PARAMS.phone.baseShare,
      6,
    );
  });
});
