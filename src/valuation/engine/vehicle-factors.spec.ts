import { describe, expect, it } from '@jest/globals';
import { valuate } from '../../valuation/engine/model.js';
import { vehicleFactors, type VehiclePricingFacts } from './vehicle-factors.js';

const camry = {
  launchPriceMinor: 20_980_000,
  launchDate: new Date('2019-10-01T00:00:00Z'),
  categoryCode: 'vehicles.passenger-cars.sedans',
  productModelId: 'camry',
};
const base: VehiclePricingFacts = {
  ageYears: 3,
  km: 45_000,
  use: 'private',
  level: 1,
  accidentHistory: 'none',
  province: null,
};
const quote = (f: Partial<VehiclePricingFacts>) => {
  const facts = { ...base, ...f };
  return valuate({
    productModel: camry,
    valuationDate: new Date('2024-01-01T00:00:00Z'),
    ageYears: facts.ageYears,
    grade: 'premium',
    extraFactors: vehicleFactors(facts),
  });
};

describe('vehicle pricing factors', () => {
  it('a quote falls with mileage', () => {
    const amounts = [20_000, 45_000, 90_000, 150_000].map((km) => quote({ km }).amountMinor);
    for (let i = 1; i < amounts.length; i++) expect(amounts[i]).toBeLessThan(amounts[i - 1]);
  });

  it('a quote falls with age, at the same mileage and at normal mileage', () => {
    const same = [1, 3, 5, 8].map((ageYears) => quote({ ageYears, km: 60_000 }).amountMinor);
    for (let i = 1; i < same.length; i++) expect(same[i]).toBeLessThan(same[i - 1]);
    const normal = [1, 3, 5, 8].map((a) => quote({ ageYears: a, km: a * 15_000 }).amountMinor);
    for (let i = 1; i < normal.length; i++) expect(normal[i]).toBeLessThan(normal[i - 1]);
  });

  it('explains each factor as a line, and the lines add up to the amount', () => {
    const v = quote({
      km: 120_000,
      use: 'taxi',
      level: 5,
      accidentHistory: 'structural_repair',
      province: '黑',
    });
    const codes = v.lines.map((l) => l.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'launch-price',
        'age-depreciation',
        'extra:mileage',
        'extra:use',
        'extra:condition-level',
        'extra:region',
        'grade',
        'comparable-sales',
      ]),
    );
    const mileage = v.lines.find((l) => l.code === 'extra:mileage');
    expect(mileage?.label).toContain('120,000 km');
    expect(mileage?.amountMinor).toBeLessThan(0);
    expect(v.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(v.amountMinor);
  });

  it('adds a little for low mileage and bounds the factor', () => {
    const [low] = vehicleFactors({ ...base, km: 5_000 });
    expect(low.factor).toBeGreaterThan(1);
    const [extreme] = vehicleFactors({ ...base, km: 2_000_000 });
    expect(extreme.factor).toBe(0.55);
    expect(vehicleFactors({ ...base, km: null })).toEqual([]);
  });
});
