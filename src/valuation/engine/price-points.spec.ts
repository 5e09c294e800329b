import { describe, expect, it } from '@jest/globals';
import { smartphoneModel, VALUATION_NOW } from '../../../test/support/valuation.js';
import { valuate } from './model.js';
import {
  defectCode,
  fitVariantFactors,
  learnDefectShares,
  type SaleWithDefects,
} from './price-points.js';
import type { ComparableSale } from './types.js';

const NOW = VALUATION_NOW;
const PM = smartphoneModel(600_000, '2024-06-01');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('defectCode', () => {
  it('names a choice answer, and a boolean or number check alone', () => {
    expect(defectCode('screen_condition', 'cracked')).toBe('screen_condition=cracked');
    expect(defectCode('battery_health', 71)).toBe('battery_health');
    expect(defectCode('cameras', false)).toBe('cameras');
  });
});

describe('fitVariantFactors', () => {
  it('puts a variant above the model by what its sales say, shrunk towards 1 when few', () => {
    const sales = [
      ...Array.from({ length: 10 }, () => ({ logPrice: Math.log(300), variant: '128GB' })),
      ...Array.from({ length: 10 }, () => ({ logPrice: Math.log(450), variant: '512GB' })),
    ];
    const f = fitVariantFactors(sales);
    const gap = Math.log(450) - (Math.log(300) + Math.log(450)) / 2;
    expect(f.get('512GB')).toEqual({ factor: expect.any(Number), sales: 10 });
    expect(f.get('512GB')!.factor).toBeCloseTo(Math.exp((10 / 14) * gap), 10);
    expect(f.get('128GB')!.factor).toBeCloseTo(Math.exp(-(10 / 14) * gap), 10);
    // Many sales: the factor comes close to the sales' own ratio.
    const many = fitVariantFactors(sales, 0.001);
    expect(many.get('512GB')!.factor / many.get('128GB')!.factor).toBeCloseTo(1.5, 3);
  });

  it('leaves sales without a variant at the model level and fits nothing without sales', () => {
    expect(fitVariantFactors([]).size).toBe(0);
    expect(fitVariantFactors([{ logPrice: 1, variant: null }]).size).toBe(0);
  });
});

describe('learnDefectShares', () => {
  const sale = (price: number, defects: string[] = [], model = 'a'): SaleWithDefects => ({
    productModelId: model,
    grade: 'good',
    priceMinor: price,
    defects,
  });

  it('learns the share a defect takes off against clean sales of the same model and grade', () => {
    const sales = [
      ...Array.from({ length: 4 }, () => sale(1000)),
      ...Array.from({ length: 30 }, () => sale(700, ['screen_condition=cracked'])),
      ...Array.from({ length: 3 }, () => sale(2000, [], 'b')),
    ];
    const learned = learnDefectShares(sales);
    expect(learned.get('screen_condition=cracked')!.sales).toBe(30);
    expect(learned.get('screen_condition=cracked')!.share).toBeCloseTo(0.3, 10);
  });

  it('learns nothing below the minimum, without clean sales to compare, or from mixed defects', () => {
    const few = [
      ...Array.from({ length: 4 }, () => sale(1000)),
      ...Array.from({ length: 29 }, () => sale(700, ['x'])),
    ];
    expect(learnDefectShares(few).size).toBe(0);
    const unpaired = Array.from({ length: 40 }, () => sale(700, ['x']));
    expect(learnDefectShares(unpaired).size).toBe(0);
    const mixed = [
      ...Array.from({ length: 4 }, () => sale(1000)),
      ...Array.from({ length: 40 }, () => sale(500, ['x', 'y'])),
    ];
    expect(learnDefectShares(mixed).size).toBe(0);
  });

  it('never learns a negative deduction', () => {
    const sales = [
      ...Array.from({ length: 4 }, () => sale(1000)),
      ...Array.from({ length: 30 }, () => sale(1100, ['x'])),
    ];
    expect(learnDefectShares(sales).get('x')!.share).toBe(0);
  });
});

describe('valuate: variants and declared defects', () => {
  /** Twelve sales of the variant at the price, one a day from three days ago. */
  const twelveSales = (variant: string, priceMinor: number): ComparableSale[] =>
    Array.from({ length: 12 }, (_, i) => ({
      priceMinor,
      soldAt: daysAgo(3 + i),
      grade: 'good' as const,
      productModelId: 'pm-1',
      variant,
    }));
  const comparables = [...twelveSales('128GB', 300_000), ...twelveSales('512GB', 450_000)];
  const value = (variant: string) =>
    valuate({
      productModel: PM,
      valuationDate: NOW,
      grade: 'good',
      comparables,
      variant: { code: variant, label: variant.replace('GB', ' GB') },
    });

  it('prices each variant as its own point, with its own line, lines summing to the amount', () => {
    const small = value('128GB');
    const large = value('512GB');
    expect(large.amountMinor / small.amountMinor).toBeGreaterThan(1.3);
    expect(large.amountMinor / small.amountMinor).toBeLessThan(1.55);
    for (const v of [small, large]) {
      expect(v.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(v.amountMinor);
    }
    expect(large.lines.find((l) => l.code === 'variant')).toMatchObject({
      ruleCode: 'variant-price-point',
      label: expect.stringMatching(/^Variant 512 GB \(×1\.\d{3}, from 12 sales\)$/),
    });
    const unsold = value('1TB');
    expect(unsold.lines.find((l) => l.code === 'variant')).toMatchObject({
      amountMinor: 0,
      label: 'Variant 1TB (no sales of it yet: priced as the model)',
    });
  });

  it('names a declared defect apart from an inspected one, and blends a learned deduction', () => {
    const defect = {
      checkId: 'screen_condition',
      label: 'Screen glass',
      severity: 'functional' as const,
      deductionMinor: 60_000,
      ruleCode: 'any-functional',
    };
    const declared = valuate({
      productModel: PM,
      valuationDate: NOW,
      grade: 'good',
      defects: [{ ...defect, source: 'declared' }],
    });
    const line = declared.lines.find((l) => l.code === 'declared:screen_condition');
    expect(line).toMatchObject({
      amountMinor: -60_000,
      checkId: 'screen_condition',
      ruleCode: 'any-functional',
      label: 'Declared: Screen glass (standard rule)',
    });
    const learned = valuate({
      productModel: PM,
      valuationDate: NOW,
      grade: 'good',
      defects: [{ ...defect, learned: { share: 0.4, sales: 90 } }],
    });
    const at = learned.lines.findIndex((l) => l.code === 'defect:screen_condition');
    const base = learned.lines.slice(0, at).reduce((s, l) => s + l.amountMinor, 0);
    expect(learned.lines[at].label).toBe('Screen glass (learned from 90 sales, weight 75 %)');
    expect(learned.lines[at].amountMinor).toBeCloseTo(-(0.75 * 0.4 * base + 0.25 * 60_000), -1);
  });
});
