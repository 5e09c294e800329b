import { describe, expect, it } from '@jest/globals';
import { withTradeInMargin } from './margin.js';
import type { Valuation } from './types.js';

const market = (amountMinor: number, lines: Valuation['lines']): Valuation => ({
  amountMinor,
  lowMinor: amountMinor - 40_000,
  highMinor: amountMinor + 40_000,
  confidence: 0.8,
  currency: 'CNY',
  lines,
  modelVersion: 'engine-1+fit-x',
  details: {
    categoryCode: 'digital.phones.smartphones',
    family: 'phone',
    ageYears: 3.2,
    grade: 'premium',
    gradeSource: 'declared',
    comparablesUsed: 10,
    comparablesEffectiveCount: 8,
    comparablesWeight: 0.7,
    comparablesDispersion: 0.1,
    modelEstimateMinor: 455_000,
  },
});

describe('withTradeInMargin', () => {
  const v = market(457_500, [
    { code: 'launch-price', label: 'Launch price', amountMinor: 799_900 },
    { code: 'age-depreciation', label: 'Age', amountMinor: -342_432 },
    { code: 'rounding', label: 'Rounded', amountMinor: 32 },
  ]);

  it('takes the margin off before rounding, and the lines still add up to the amount', () => {
    const offer = withTradeInMargin(v, 0.12);
    // 457 468 before rounding, less 12 % (54 896) = 402 572 → 402 600.
    expect(offer.amountMinor).toBe(402_600);
    expect(offer.lines.map((l) => l.code)).toEqual([
      'launch-price',
      'age-depreciation',
      'trade-in-margin',
      'rounding',
    ]);
    expect(offer.lines.find((l) => l.code === 'trade-in-margin')!.amountMinor).toBe(-54_896);
    expect(offer.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(offer.amountMinor);
    expect(offer.lowMinor).toBeLessThanOrEqual(offer.amountMinor);
    expect(offer.highMinor).toBeGreaterThanOrEqual(offer.amountMinor);
    expect(offer.highMinor).toBeLessThan(v.highMinor);
  });

  it('changes nothing with no margin or nothing to take it from', () => {
    expect(withTradeInMargin(v, 0)).toBe(v);
    const zero = market(0, [{ code: 'scrap-value', label: 'Scrap', amountMinor: 0 }]);
    expect(withTradeInMargin(zero, 0.12)).toBe(zero);
  });
});
