import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { smartphoneModel, VALUATION_NOW } from '../../../test/support/valuation.js';
import {
  CROSS_GRADE_SIMILARITY,
  MIN_COMPARABLES,
  blendWithComparables,
  expectedGradeFromDeclared,
  valuate,
  type ValuationInput,
} from './model.js';
import {
  DEFAULT_FAMILY_PARAMS,
  defaultParamSet,
  paramsForCategory,
  resolveFamily,
  residualShare,
} from './params.js';
import type { CategoryFamily, ComparableSale, Grade, ValuationParamSet } from './types.js';

const DAY = 86_400_000;
const NOW = VALUATION_NOW;
const PHONE = smartphoneModel(699_900, '2023-09-15', 'pm-iphone-15');

function input(over: Partial<ValuationInput> = {}): ValuationInput {
  return { productModel: PHONE, valuationDate: NOW, grade: 'premium', ...over };
}

function comps(
  n: number,
  priceMinor: number,
  grade: Grade = 'premium',
  daysAgo = 10,
): ComparableSale[] {
  return Array.from({ length: n }, (_, i) => ({
    priceMinor,
    soldAt: new Date(NOW.getTime() - (daysAgo + (i % 5)) * DAY),
    grade,
    productModelId: PHONE.productModelId,
  }));
}

const sum = (xs: readonly { amountMinor: number }[]): number =>
  xs.reduce((s, l) => s + l.amountMinor, 0);

describe('valuate: depreciation', () => {
  it('is monotone non-increasing in age for every family and grade', () => {
    const families = Object.keys(DEFAULT_FAMILY_PARAMS) as CategoryFamily[];
    for (const family of families) {
      for (const grade of ['premium', 'good', 'scrap'] as Grade[]) {
        let prev = Infinity;
        for (let age = 0; age <= 20; age += 0.5) {
          const v = valuate(
            input({
              productModel: { ...PHONE, family },
              ageYears: age,
              grade,
              roundingUnitMinor: 1,
            }),
          );
          expect(v.amountMinor).toBeLessThanOrEqual(prev);
          prev = v.amountMinor;
        }
      }
    }
  });

  it('property: older never worth more (random launch price, ages)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 50_000_000 }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        (launch, a1, a2) => {
          const [young, old] = a1 <= a2 ? [a1, a2] : [a2, a1];
          const pm = { ...PHONE, launchPriceMinor: launch };
          const y = valuate(input({ productModel: pm, ageYears: young, roundingUnitMinor: 1 }));
          const o = valuate(input({ productModel: pm, ageYears: old, roundingUnitMinor: 1 }));
          return o.amountMinor <= y.amountMinor;
        },
      ),
    );
  });

  it('phones lose value much faster than pianos and luxury watches', () => {
    const share = (categoryCode: string): number =>
      residualShare(paramsForCategory(defaultParamSet(), categoryCode).params, 3) /
      residualShare(paramsForCategory(defaultParamSet(), categoryCode).params, 0);
    expect(share('digital.phones.smartphones')).toBeLessThan(0.5);
    expect(share('instruments.pianos.grand')).toBeGreaterThan(0.85);
    expect(share('luxury.watches.mechanical')).toBeGreaterThan(0.9);
  });

  it('never drops below the floor share', () => {
    const v = valuate(input({ ageYears: 80, roundingUnitMinor: 1 }));
    const floor = DEFAULT_FAMILY_PARAMS.phone.floorShare;
    expect(v.amountMinor).toBe(Math.round(PHONE.launchPriceMinor * floor));
  });

  it('derives the age from the launch date when not given', () => {
    const v = valuate(input({ roundingUnitMinor: 1 }));
    expect(v.details.ageYears).toBeCloseTo(
      (NOW.getTime() - PHONE.launchDate.getTime()) / DAY / 365.25,
      6,
    );
  });
});

describe('valuate: grades and declared condition', () => {
  it('orders premium > good > scrap in every family', () => {
    for (const family of Object.keys(DEFAULT_FAMILY_PARAMS) as CategoryFamily[]) {
      const at = (grade: Grade) =>
        valuate(
          input({ productModel: { ...PHONE, family }, grade, ageYears: 1, roundingUnitMinor: 1 }),
        ).amountMinor;
      expect(at('premium')).toBeGreaterThan(at('good'));
      expect(at('good')).toBeGreaterThan(at('scrap'));
    }
  });

  it('maps declared conditions to expected grades', () => {
    expect(expectedGradeFromDeclared('like-new')).toBe('premium');
    expect(expectedGradeFromDeclared('fair')).toBe('good');
    expect(expectedGradeFromDeclared('broken')).toBe('scrap');
    expect(expectedGradeFromDeclared('scrap')).toBe('scrap');
    expect(expectedGradeFromDeclared({ condition: 'like-new' })).toBe('premium');
    expect(expectedGradeFromDeclared({ condition: 'like-new', screenCracked: true })).toBe('good');
    expect(expectedGradeFromDeclared({ condition: 'like-new', powersOn: false })).toBe('scrap');
    expect(expectedGradeFromDeclared({})).toBe('good');
  });

  it('uses the declared condition when no grade is given, with lower confidence', () => {
    const declared = valuate(input({ grade: undefined, declaredCondition: 'excellent' }));
    const inspected = valuate(input({ grade: 'premium' }));
    expect(declared.details.grade).toBe('premium');
    expect(declared.details.gradeSource).toBe('declared');
    expect(declared.amountMinor).toBe(inspected.amountMinor);
    expect(declared.confidence).toBeLessThan(inspected.confidence);
    expect(declared.highMinor - declared.lowMinor).toBeGreaterThan(
      inspected.highMinor - inspected.lowMinor,
    );
  });
});

describe('valuate: breakdown', () => {
  it('lines are integers summing exactly to the amount, starting at the launch price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.double({ min: 0, max: 15, noNaN: true }),
        fc.constantFrom<Grade>('premium', 'good', 'scrap'),
        fc.array(
          fc.record({
            severity: fc.constantFrom('none', 'cosmetic', 'functional', 'critical' as const),
            share: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
          }),
          { maxLength: 6 },
        ),
        fc.constantFrom(1, 100, 1000),
        (launch, age, grade, defects, unit) => {
          const v = valuate(
            input({
              productModel: { ...PHONE, launchPriceMinor: launch },
              ageYears: age,
              grade,
              roundingUnitMinor: unit,
              defects: defects.map((d, i) => ({
                checkId: `c${i}`,
                label: `check ${i}`,
                severity: d.severity,
                deductionShare: d.share,
              })),
              comparables: comps(3, Math.max(1, Math.round(launch * 0.4)), grade),
            }),
          );
          expect(v.lines.every((l) => Number.isInteger(l.amountMinor))).toBe(true);
          expect(sum(v.lines)).toBe(v.amountMinor);
          expect(v.lines[0]).toMatchObject({ code: 'launch-price', amountMinor: launch });
          expect(v.amountMinor % unit).toBe(0);
          expect(v.amountMinor).toBeGreaterThanOrEqual(0);
          expect(v.lowMinor).toBeLessThanOrEqual(v.amountMinor);
          expect(v.highMinor).toBeGreaterThanOrEqual(v.amountMinor);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('has one line per step with stable codes and CNY currency and a model version', () => {
    const v = valuate(
      input({
        grade: 'good',
        extraFactors: [{ code: 'mileage', label: 'Mileage 84 000 km', factor: 0.9 }],
        defects: [
          {
            checkId: 'screen-scratch',
            label: 'Scratched screen',
            severity: 'cosmetic',
            ruleCode: 'R-12',
          },
          {
            checkId: 'battery',
            label: 'Battery 72 %',
            severity: 'functional',
            deductionMinor: 15_000,
          },
        ],
      }),
    );
    expect(v.lines.map((l) => l.code)).toEqual([
      'launch-price',
      'age-depreciation',
      'extra:mileage',
      'grade',
      'comparable-sales',
      'defect:screen-scratch',
      'defect:battery',
      ...(v.lines.some((l) => l.code === 'rounding') ? ['rounding'] : []),
    ]);
    expect(v.currency).toBe('CNY');
    expect(v.modelVersion).toBe('engine-1+defaults-1');
    const battery = v.lines.find((l) => l.code === 'defect:battery')!;
    expect(battery.amountMinor).toBe(-15_000);
    expect(battery.checkId).toBe('battery');
    const scratch = v.lines.find((l) => l.code === 'defect:screen-scratch')!;
    expect(scratch.ruleCode).toBe('R-12');
    expect(scratch.amountMinor).toBeLessThan(0);
    expect(v.lines.find((l) => l.code === 'extra:mileage')!.amountMinor).toBeLessThan(0);
  });

  it('scales defect deductions down together so the amount never goes negative', () => {
    const v = valuate(
      input({
        roundingUnitMinor: 1,
        defects: [
          { checkId: 'a', label: 'A', severity: 'critical', deductionShare: 0.8 },
          { checkId: 'b', label: 'B', severity: 'critical', deductionShare: 0.8 },
        ],
      }),
    );
    expect(v.amountMinor).toBe(0);
    const a = v.lines.find((l) => l.code === 'defect:a')!.amountMinor;
    const b = v.lines.find((l) => l.code === 'defect:b')!.amountMinor;
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
  });

  it('severity defaults order the deductions', () => {
    const deduction = (severity: 'none' | 'cosmetic' | 'functional' | 'critical') =>
      0 -
      valuate(
        input({ roundingUnitMinor: 1, defects: [{ checkId: 'x', label: 'x', severity }] }),
      ).lines.find((l) => l.code === 'defect:x')!.amountMinor;
    expect(deduction('none')).toBe(0);
    expect(deduction('cosmetic')).toBeLessThan(deduction('functional'));
    expect(deduction('functional')).toBeLessThan(deduction('critical'));
  });

  it('rejects nonsense input', () => {
    expect(() => valuate(input({ productModel: { ...PHONE, launchPriceMinor: -1 } }))).toThrow(
      RangeError,
    );
    expect(() => valuate(input({ extraFactors: [{ code: 'm', label: 'm', factor: 0 }] }))).toThrow(
      RangeError,
    );
  });
});

describe('valuate: comparables (empirical-Bayes shrinkage)', () => {
  const model = valuate(input({ roundingUnitMinor: 1 })).amountMinor;

  it('with few comparables stays close to the model, with many moves to the market', () => {
    const market = Math.round(model * 1.5);
    const two = valuate(input({ roundingUnitMinor: 1, comparables: comps(2, market) }));
    const many = valuate(input({ roundingUnitMinor: 1, comparables: comps(200, market) }));
    expect(two.amountMinor).toBeGreaterThan(model);
    expect(two.amountMinor / model).toBeLessThan(1.3);
    expect(many.amountMinor / market).toBeGreaterThan(0.97);
    expect(many.amountMinor / market).toBeLessThan(1.0);
    expect(many.details.comparablesWeight).toBeGreaterThan(0.95);
    const adj = many.lines.find((l) => l.code === 'comparable-sales')!;
    expect(adj.amountMinor).toBeGreaterThan(0);
  });

  it('weight is n / (n + k)', () => {
    const params = DEFAULT_FAMILY_PARAMS.phone;
    const b = blendWithComparables({
      modelValue: 1000,
      params: { ...params, comparablesHalfLifeDays: 1e12 },
      ageYears: 1,
      grade: 'premium',
      productModelId: 'p',
      valuationDate: NOW,
      comparables: Array.from({ length: 6 }, () => ({
        priceMinor: 2000,
        soldAt: NOW,
        grade: 'premium' as const,
        productModelId: 'p',
      })),
    });
    expect(b.weight).toBeCloseTo(6 / (6 + params.comparablesPriorCount), 9);
    expect(b.value).toBeCloseTo(
      Math.exp((1 - b.weight) * Math.log(1000) + b.weight * Math.log(2000)),
      6,
    );
  });

  it(`needs ${MIN_COMPARABLES} comparables before they count at all`, () => {
    const market = Math.round(model * 1.5);
    const one = valuate(input({ roundingUnitMinor: 1, comparables: comps(1, market) }));
    expect(one.details.comparablesUsed).toBe(0);
    expect(one.amountMinor).toBe(model);
  });

  it('counts sales of the same model in another grade, moved to this grade and at half weight', () => {
    const params = { ...DEFAULT_FAMILY_PARAMS.phone, comparablesHalfLifeDays: 1e12 };
    const sale = (grade: Grade, priceMinor: number): ComparableSale => ({
      priceMinor,
      soldAt: NOW,
      grade,
      productModelId: 'p',
    });
    const good = params.gradeMultipliers.good;
    const b = blendWithComparables({
      modelValue: 1000,
      params,
      ageYears: 1,
      grade: 'premium',
      productModelId: 'p',
      valuationDate: NOW,
      comparables: [sale('good', 2000 * good), sale('good', 2000 * good), sale('premium', 2000)],
    });
    expect(b.used).toBe(3);
    expect(b.effectiveCount).toBeCloseTo(1 + 2 * CROSS_GRADE_SIMILARITY, 9);
    expect(b.comparableValue!).toBeCloseTo(2000, 6);
  });

  it('trims a comparable far from the others (a mistyped price)', () => {
    const market = Math.round(model * 1.2);
    const typo: ComparableSale[] = [
      ...comps(6, market),
      { ...comps(1, market)[0], priceMinor: market * 10 },
    ];
    const v = valuate(input({ roundingUnitMinor: 1, comparables: typo }));
    const clean = valuate(input({ roundingUnitMinor: 1, comparables: comps(6, market) }));
    expect(v.details.comparablesUsed).toBe(6);
    expect(v.amountMinor).toBe(clean.amountMinor);
  });

  it('ignores other models, future sales and sales older than the max age', () => {
    const market = Math.round(model * 1.5);
    const ignored: ComparableSale[] = [
      { priceMinor: market, soldAt: NOW, grade: 'premium', productModelId: 'other' },
      { priceMinor: market, soldAt: NOW, grade: 'premium', productModelId: 'other' },
      {
        priceMinor: market,
        soldAt: new Date(NOW.getTime() + DAY),
        grade: 'premium',
        productModelId: PHONE.productModelId,
      },
      {
        priceMinor: market,
        soldAt: new Date(NOW.getTime() - 2000 * DAY),
        grade: 'premium',
        productModelId: PHONE.productModelId,
      },
    ];
    const v = valuate(input({ roundingUnitMinor: 1, comparables: ignored }));
    expect(v.details.comparablesUsed).toBe(0);
    expect(v.amountMinor).toBe(model);
  });

  it('weights recent sales more than old ones', () => {
    const market = Math.round(model * 1.5);
    const recent = valuate(input({ comparables: comps(5, market, 'premium', 1) }));
    const old = valuate(input({ comparables: comps(5, market, 'premium', 300) }));
    expect(recent.details.comparablesEffectiveCount).toBeGreaterThan(
      old.details.comparablesEffectiveCount,
    );
    expect(recent.details.comparablesWeight).toBeGreaterThan(old.details.comparablesWeight);
  });

  it('ages older comparables along the curve (an old sale of a younger phone counts for less)', () => {
    const price = 300_000;
    const fresh = blendWithComparables({
      modelValue: 1,
      params: { ...DEFAULT_FAMILY_PARAMS.phone, comparablesPriorCount: 1e-9 },
      ageYears: 2,
      grade: 'premium',
      productModelId: 'p',
      valuationDate: NOW,
      comparables: Array.from({ length: MIN_COMPARABLES }, () => ({
        priceMinor: price,
        soldAt: new Date(NOW.getTime() - 365.25 * DAY),
        grade: 'premium' as const,
        productModelId: 'p',
      })),
    });
    expect(fresh.comparableValue!).toBeCloseTo(
      price * Math.exp(-DEFAULT_FAMILY_PARAMS.phone.annualDepreciationRate),
      3,
    );
  });

  it('confidence grows with the number of comparables and falls with their dispersion', () => {
    const market = model;
    const c0 = valuate(input()).confidence;
    const c3 = valuate(input({ comparables: comps(3, market) })).confidence;
    const c30 = valuate(input({ comparables: comps(30, market) })).confidence;
    expect(c3).toBeGreaterThan(c0);
    expect(c30).toBeGreaterThan(c3);
    const spread: ComparableSale[] = comps(30, market).map((c, i) => ({
      ...c,
      priceMinor: Math.round(market * (i % 2 === 0 ? 1.6 : 0.6)),
    }));
    const dispersed = valuate(input({ comparables: spread }));
    expect(dispersed.confidence).toBeLessThan(c30);
    expect(dispersed.details.comparablesDispersion!).toBeGreaterThan(0.3);
    for (const c of [c0, c3, c30, dispersed.confidence]) {
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThanOrEqual(1);
    }
  });

  it('confidencePenalty lowers confidence without touching the price', () => {
    const plain = valuate(input({ comparables: comps(4, model) }));
    const penalised = valuate(input({ comparables: comps(4, model), confidencePenalty: 0.5 }));
    expect(penalised.amountMinor).toBe(plain.amountMinor);
    expect(penalised.lines).toEqual(plain.lines);
    expect(penalised.confidence).toBeCloseTo(plain.confidence * 0.5, 9);
    expect(valuate(input({ confidencePenalty: 5 })).confidence).toBe(0);
  });
});

describe('params', () => {
  it.each<[string, CategoryFamily]>([
    ['digital.phones.smartphones', 'phone'],
    ['digital.audio.headphones', 'audio'],
    ['digital.wearables.smartwatches', 'wearable'],
    ['luxury.watches.mechanical', 'luxury-watch'],
    ['Digital > Tablets', 'tablet'],
    ['instruments/pianos/grand', 'piano'],
    ['vehicles.cars.sedans', 'vehicle'],
    ['misc.things', 'general'],
  ])('guesses families from category codes, leaf first: %s is %s', (code, family) => {
    expect(resolveFamily(code)).toBe(family);
  });

  it('prefers exact fitted params, then an ancestor, then the family default', () => {
    const set: ValuationParamSet = {
      ...defaultParamSet(),
      categories: {
        'digital.phones': { ...DEFAULT_FAMILY_PARAMS.phone, annualDepreciationRate: 0.5 },
        'digital.phones.foldables': { ...DEFAULT_FAMILY_PARAMS.phone, annualDepreciationRate: 0.6 },
      },
    };
    expect(paramsForCategory(set, 'digital.phones.foldables')).toMatchObject({
      source: 'category',
    });
    expect(paramsForCategory(set, 'digital.phones.smartphones')).toMatchObject({
      source: 'ancestor',
      matchedCode: 'digital.phones',
    });
    expect(paramsForCategory(set, 'digital.tablets.x')).toMatchObject({
      source: 'family',
      family: 'tablet',
    });
  });

  it('fitted category params raise confidence over unfitted family defaults', () => {
    const set: ValuationParamSet = {
      ...defaultParamSet(),
      version: 'fit-x',
      categories: { 'digital.phones.smartphones': DEFAULT_FAMILY_PARAMS.phone },
    };
    const fitted = valuate(input(), set);
    expect(fitted.confidence).toBeGreaterThan(valuate(input()).confidence);
    expect(fitted.modelVersion).toBe('engine-1+fit-x');
  });
});
