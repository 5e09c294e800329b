import { describe, expect, it } from '@jest/globals';
import {
  generateSalesForModels,
  generateSyntheticMarket,
  mulberry32,
  normal,
  oracleMape,
  trueValue,
} from './synthetic-market.js';

describe('mulberry32 / normal', () => {
  it('is deterministic per seed and in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(c()).not.toBe(xs[0]);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws standard normals', () => {
    const r = mulberry32(9);
    const zs = Array.from({ length: 20000 }, () => normal(r));
    const mean = zs.reduce((s, z) => s + z, 0) / zs.length;
    const sd = Math.sqrt(zs.reduce((s, z) => s + (z - mean) ** 2, 0) / zs.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(sd - 1)).toBeLessThan(0.03);
  });
});

describe('generateSyntheticMarket', () => {
  it('is reproducible from its seed', () => {
    const a = generateSyntheticMarket({ seed: 1, salesCount: 500, noiseSigma: 0.1 });
    const b = generateSyntheticMarket({ seed: 1, salesCount: 500, noiseSigma: 0.1 });
    const c = generateSyntheticMarket({ seed: 2, salesCount: 500, noiseSigma: 0.1 });
    expect(b).toEqual(a);
    expect(c.sales.map((s) => s.priceMinor)).not.toEqual(a.sales.map((s) => s.priceMinor));
  });

  it('produces sorted, integer, after-launch sales of known true price', () => {
    const m = generateSyntheticMarket({
      seed: 3,
      salesCount: 2000,
      noiseSigma: 0.1,
      modelEffectSigma: 0.05,
    });
    expect(m.sales).toHaveLength(2000);
    for (let i = 1; i < m.sales.length; i++) {
      expect(m.sales[i].soldAt.getTime()).toBeGreaterThanOrEqual(m.sales[i - 1].soldAt.getTime());
    }
    const effects = new Map(m.productModels.map((p) => [p.id, p.effect]));
    for (const s of m.sales) {
      expect(Number.isInteger(s.priceMinor)).toBe(true);
      expect(s.ageYears).toBeGreaterThanOrEqual(0);
      expect(s.soldAt.getTime()).toBeGreaterThanOrEqual(s.launchDate.getTime());
      const expected = trueValue(
        m.trueParams[s.categoryCode],
        s.launchPriceMinor,
        s.ageYears,
        s.grade,
        effects.get(s.productModelId),
      );
      expect(s.truePriceMinor).toBeCloseTo(expected, 6);
    }
    expect(new Set(m.sales.map((s) => s.grade))).toEqual(new Set(['premium', 'good', 'scrap']));
  });

  it('has a noise floor matching the log-normal sigma, and ~0 without noise', () => {
    const sigma = 0.1;
    const m = generateSyntheticMarket({ seed: 4, salesCount: 20000, noiseSigma: sigma });
    // E|1 − e^{−σZ}| ≈ σ·√(2/π) for small σ.
    expect(m.noiseFloorMape).toBeGreaterThan(sigma * Math.sqrt(2 / Math.PI) * 0.95);
    expect(m.noiseFloorMape).toBeLessThan(sigma * Math.sqrt(2 / Math.PI) * 1.05);
    expect(oracleMape(m.sales)).toBe(m.noiseFloorMape);
    const quiet = generateSyntheticMarket({ seed: 4, salesCount: 1000, noiseSigma: 0 });
    expect(quiet.noiseFloorMape).toBeLessThan(1e-4);
  });
});

describe('generateSalesForModels', () => {
  const models = [
    {
      id: 'a',
      categoryCode: 'digital.phones.smartphones',
      launchPriceMinor: 599_900,
      launchDate: new Date('2023-09-22'),
    },
    {
      id: 'b',
      categoryCode: 'digital.phones.smartphones',
      launchPriceMinor: 399_900,
      launchDate: new Date('2024-10-01'),
    },
  ];
  const trueParams = () => ({
    baseShare: 0.7,
    annualDepreciationRate: 0.4,
    floorShare: 0.05,
    gradeMultipliers: { premium: 1, good: 0.65, scrap: 0.1 },
  });
  const end = new Date('2025-06-01T00:00:00Z');

  it('sells only the given models, after launch and before the end, reproducibly', () => {
    const opts = { seed: 7, models, salesCount: 400, noiseSigma: 0.1, end, trueParams };
    const sales = generateSalesForModels(opts);
    expect(generateSalesForModels(opts)).toEqual(sales);
    expect(sales).toHaveLength(400);
    for (const s of sales) {
      expect(['a', 'b']).toContain(s.productModelId);
      expect(s.soldAt.getTime()).toBeGreaterThanOrEqual(s.launchDate.getTime());
      expect(s.soldAt.getTime()).toBeLessThanOrEqual(end.getTime());
      expect(Number.isInteger(s.priceMinor)).toBe(true);
    }
    expect(oracleMape(sales)).toBeGreaterThan(0.05);
    expect(oracleMape(sales)).toBeLessThan(0.12);
  });

  it('skips models launched after the end', () => {
    const late = [{ ...models[0], id: 'late', launchDate: new Date('2026-01-01') }];
    expect(
      generateSalesForModels({
        seed: 1,
        models: late,
        salesCount: 10,
        noiseSigma: 0.1,
        end,
        trueParams,
      }),
    ).toEqual([]);
  });
});
