import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { smartphoneModel, VALUATION_NOW } from '../../../test/support/valuation.js';
import { explainDifference } from './explain.js';
import { valuate } from './model.js';
import type { ValuationLine } from './types.js';

const NOW = VALUATION_NOW;
const PM = smartphoneModel(599_900, '2024-01-10');

describe('explainDifference', () => {
  it('attributes a quote → final difference to the grade and each inspection check, summing exactly', () => {
    const quote = valuate({ productModel: PM, valuationDate: NOW, declaredCondition: 'like-new' });
    const final = valuate({
      productModel: PM,
      valuationDate: NOW,
      grade: 'good',
      defects: [
        {
          checkId: 'screen',
          label: 'Deep scratch on screen',
          severity: 'cosmetic',
          ruleCode: 'PH-SCR-2',
        },
        {
          checkId: 'battery',
          label: 'Battery health 74 %',
          severity: 'functional',
          deductionMinor: 12_000,
        },
      ],
    });
    const e = explainDifference(quote.lines, final.lines);
    expect(e.quoteTotalMinor).toBe(quote.amountMinor);
    expect(e.finalTotalMinor).toBe(final.amountMinor);
    expect(e.differenceMinor).toBe(final.amountMinor - quote.amountMinor);
    expect(e.lines.reduce((s, l) => s + l.differenceMinor, 0)).toBe(e.differenceMinor);
    const codes = e.lines.map((l) => l.code);
    expect(codes).toEqual(expect.arrayContaining(['grade', 'defect:screen', 'defect:battery']));
    expect(codes).not.toContain('launch-price');
    expect(codes).not.toContain('age-depreciation');
    expect(e.lines[0].code).toBe('grade'); // the largest effect comes first
    const battery = e.lines.find((l) => l.code === 'defect:battery')!;
    expect(battery).toMatchObject({
      checkId: 'battery',
      quoteAmountMinor: 0,
      differenceMinor: -12_000,
    });
    expect(e.lines.find((l) => l.code === 'defect:screen')!.ruleCode).toBe('PH-SCR-2');
  });

  it('returns no lines when nothing changed', () => {
    const v = valuate({ productModel: PM, valuationDate: NOW, grade: 'premium' });
    expect(explainDifference(v.lines, v.lines)).toMatchObject({ differenceMinor: 0, lines: [] });
  });

  it('puts the rounding remainder of fractional lines on the largest line', () => {
    const quote: ValuationLine[] = [
      { code: 'launch-price', label: 'Launch', amountMinor: 1000 },
      { code: 'grade', label: 'Grade', amountMinor: -100.4 },
    ];
    const final: ValuationLine[] = [
      { code: 'launch-price', label: 'Launch', amountMinor: 1000 },
      { code: 'grade', label: 'Grade', amountMinor: -300.6 },
      { code: 'defect:a', label: 'A', amountMinor: -10.4, checkId: 'a' },
      { code: 'defect:b', label: 'B', amountMinor: -10.4, checkId: 'b' },
    ];
    const e = explainDifference(quote, final);
    // totals: quote 899.6 → 900, final 678.6 → 679; per code −200, −10, −10 leave −1 over
    expect(e.differenceMinor).toBe(679 - 900);
    expect(e.lines.reduce((s, l) => s + l.differenceMinor, 0)).toBe(e.differenceMinor);
    expect(e.lines.every((l) => Number.isInteger(l.differenceMinor))).toBe(true);
    expect(e.lines[0]).toMatchObject({ code: 'grade', differenceMinor: -201 });
  });

  it('property: always sums exactly to final − quote', () => {
    const line = fc.record({
      code: fc.constantFrom(
        'launch-price',
        'grade',
        'defect:a',
        'defect:b',
        'comparable-sales',
        'rounding',
      ),
      label: fc.constant('x'),
      amountMinor: fc.oneof(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.double({ min: -1_000_000, max: 1_000_000, noNaN: true }),
      ),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), fc.array(line, { maxLength: 8 }), (q, f) => {
        const e = explainDifference(q, f);
        const expected =
          Math.round(f.reduce((s, l) => s + l.amountMinor, 0)) -
          Math.round(q.reduce((s, l) => s + l.amountMinor, 0));
        return (
          e.differenceMinor === expected &&
          e.lines.reduce((s, l) => s + l.differenceMinor, 0) === expected &&
          e.lines.every((l) => Number.isInteger(l.differenceMinor))
        );
      }),
      { numRuns: 500 },
    );
  });
});
