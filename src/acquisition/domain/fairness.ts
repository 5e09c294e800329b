// Fairness guard (issue [grading]): when inspection lowers the owner's price by more than a set
// share of the quote, a second grader must confirm before the final offer goes out.

/** Default largest cut (share of the quote) one grader may make alone. */
export const DEFAULT_MAX_CUT_SHARE = 0.3;

export interface PriceCutInput {
  /** Price quoted from the owner's description, integer minor units. */
  quotedMinor: number;
  /** Price after inspection, integer minor units. */
  finalMinor: number;
}

export interface PriceCut {
  /** quoted − final, never negative (a raise is no cut). */
  cutMinor: number;
  /** cutMinor / quoted, 0 when nothing was quoted. */
  cutShare: number;
}

function assertMinor(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer (minor units)`);
  }
}

export function priceCut({ quotedMinor, finalMinor }: PriceCutInput): PriceCut {
  assertMinor('quotedMinor', quotedMinor);
  assertMinor('finalMinor', finalMinor);
  const cutMinor = Math.max(0, quotedMinor - finalMinor);
  return { cutMinor, cutShare: quotedMinor === 0 ? 0 : cutMinor / quotedMinor };
}

/**
 * True when the final price is below the quote by more than `maxCutShare` of the quote
 * (strictly: a cut of exactly the share does not need a second grader).
 */
export function needsSecondGrader({
  quotedMinor,
  finalMinor,
  maxCutShare = DEFAULT_MAX_CUT_SHARE,
}: PriceCutInput & { maxCutShare?: number }): boolean {
  if (!(maxCutShare >= 0 && maxCutShare <= 1)) {
    throw new RangeError('maxCutShare must be between 0 and 1');
  }
  const { cutMinor } = priceCut({ quotedMinor, finalMinor });
  // Compare in minor units, rounding away float noise (0.7 × 90 = 62.99999999999999).
  const allowedMinor = Math.round(maxCutShare * quotedMinor * 1e6) / 1e6;
  return cutMinor > allowedMinor;
}
