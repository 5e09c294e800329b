import { describe, expect, it } from '@jest/globals';
import { checkWeight } from './settlement.js';

describe('checkWeight', () => {
  it('accepts a weight within 5 % of the sealed weight', () => {
    expect(checkWeight(10_000, 10_500)).toEqual({
      declaredGrams: 10_000,
      reportedGrams: 10_500,
      discrepancyShare: 0.05,
      flagged: false,
    });
    expect(checkWeight(10_000, 9_600).flagged).toBe(false);
  });

  it('flags a lighter or heavier lot beyond the tolerance', () => {
    expect(checkWeight(10_000, 9_400)).toMatchObject({ discrepancyShare: 0.06, flagged: true });
    expect(checkWeight(10_000, 12_000).flagged).toBe(true);
  });

  it('refuses a lot sealed without weight', () => {
    expect(() => checkWeight(0, 10)).toThrow();
  });
});
