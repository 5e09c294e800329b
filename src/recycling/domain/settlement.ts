// Settlement of a recycling lot: the recycler's weighed result against what was sealed.

/** Share of the sealed weight a recycler's weight may differ by before a person reviews it. */
export const WEIGHT_TOLERANCE_SHARE = 0.05;

export interface WeightCheck {
  declaredGrams: number;
  reportedGrams: number;
  /** |reported − declared| / declared, rounded to 4 decimals. */
  discrepancyShare: number;
  flagged: boolean;
}

export function checkWeight(
  declaredGrams: number,
  reportedGrams: number,
  tolerance = WEIGHT_TOLERANCE_SHARE,
): WeightCheck {
  if (!(declaredGrams > 0)) throw new Error('a sealed lot has a positive weight');
  const share = Math.abs(reportedGrams - declaredGrams) / declaredGrams;
  return {
    declaredGrams,
    reportedGrams,
    discrepancyShare: Math.round(share * 10_000) / 10_000,
    flagged: share > tolerance,
  };
}
