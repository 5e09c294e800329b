import { describe, expect, it } from '@jest/globals';
import { DEFAULT_MAX_CUT_SHARE, needsSecondGrader, priceCut } from './fairness.js';

describe('needsSecondGrader', () => {
  it('defaults to a 30 % share', () => {
    expect(DEFAULT_MAX_CUT_SHARE).toBe(0.3);
    expect(needsSecondGrader({ quotedMinor: 500_000, finalMinor: 300_000 })).toBe(true); // 40 % cut
    expect(needsSecondGrader({ quotedMinor: 500_000, finalMinor: 400_000 })).toBe(false); // 20 % cut
  });

  it('is strict at the boundary, without float noise', () => {
    expect(needsSecondGrader({ quotedMinor: 10_000, finalMinor: 7_000 })).toBe(false);
    expect(needsSecondGrader({ quotedMinor: 10_000, finalMinor: 6_999 })).toBe(true);
    // 0.7 × 90 is 62.99999999999999 in floating point; a cut of 63 is exactly 70 %.
    expect(needsSecondGrader({ quotedMinor: 90, finalMinor: 27, maxCutShare: 0.7 })).toBe(false);
    expect(needsSecondGrader({ quotedMinor: 90, finalMinor: 26, maxCutShare: 0.7 })).toBe(true);
  });

  it('respects a custom share', () => {
    expect(needsSecondGrader({ quotedMinor: 100_000, finalMinor: 85_000, maxCutShare: 0.1 })).toBe(
      true,
    );
    expect(needsSecondGrader({ quotedMinor: 100_000, finalMinor: 85_000, maxCutShare: 0.2 })).toBe(
      false,
    );
    expect(needsSecondGrader({ quotedMinor: 100_000, finalMinor: 99_999, maxCutShare: 0 })).toBe(
      true,
    );
    expect(needsSecondGrader({ quotedMinor: 100_000, finalMinor: 0, maxCutShare: 1 })).toBe(false);
  });

  it('never asks for a second grader when the price went up or nothing was quoted', () => {
    expect(needsSecondGrader({ quotedMinor: 100_000, finalMinor: 120_000 })).toBe(false);
    expect(needsSecondGrader({ quotedMinor: 0, finalMinor: 0 })).toBe(false);
  });

  it('rejects bad input', () => {
    expect(() => needsSecondGrader({ quotedMinor: 100.5, finalMinor: 1 })).toThrow(RangeError);
    expect(() => needsSecondGrader({ quotedMinor: 100, finalMinor: -1 })).toThrow(RangeError);
    expect(() => needsSecondGrader({ quotedMinor: 100, finalMinor: 1, maxCutShare: 1.2 })).toThrow(
      RangeError,
    );
  });
});

describe('priceCut', () => {
  it('reports the cut in minor units and as a share', () => {
    expect(priceCut({ quotedMinor: 200_000, finalMinor: 150_000 })).toEqual({
      cutMinor: 50_000,
      cutShare: 0.25,
    });
    expect(priceCut({ quotedMinor: 200_000, finalMinor: 250_000 })).toEqual({
      cutMinor: 0,
      cutShare: 0,
    });
    expect(priceCut({ quotedMinor: 0, finalMinor: 0 })).toEqual({ cutMinor: 0, cutShare: 0 });
  });
});
