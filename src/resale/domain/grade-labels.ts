/**
 * The platform grades items premium / good / scrap (spec §1). Buyers know other words: Back
 * Market's Excellent / Good / Fair, Amazon Renewed's Premium / Excellent / Good / Acceptable,
 * and China's GB/T 45656-2025 usability levels (plus the everyday 成新 wording). A sellable grade
 * is split into two tiers by whether the latest inspection found cosmetic wear, and each tier
 * maps to one label per scheme (docs/decisions.md, "Resale", has the same table).
 */
export type SellableGrade = 'premium' | 'good';
export type ConditionTier = 'A' | 'B' | 'C' | 'D';

export interface GradeLabels {
  tier: ConditionTier;
  /** The platform's own word. */
  platform: SellableGrade;
  backMarket: 'Excellent' | 'Good' | 'Fair';
  amazonRenewed: 'Premium' | 'Excellent' | 'Good' | 'Acceptable';
  /** GB/T 45656-2025 usability level. */
  gbt45656: { level: 1 | 2 | 3 | 4; label: string };
  /** The colloquial Chinese condition label (成新). */
  chengxin: string;
}

export const GRADE_LABEL_TABLE: Record<ConditionTier, Omit<GradeLabels, 'tier' | 'platform'>> = {
  A: {
    backMarket: 'Excellent',
    amazonRenewed: 'Premium',
    gbt45656: { level: 1, label: '一级 (Level 1)' },
    chengxin: '99新',
  },
  B: {
    backMarket: 'Excellent',
    amazonRenewed: 'Excellent',
    gbt45656: { level: 2, label: '二级 (Level 2)' },
    chengxin: '95新',
  },
  C: {
    backMarket: 'Good',
    amazonRenewed: 'Good',
    gbt45656: { level: 3, label: '三级 (Level 3)' },
    chengxin: '9成新',
  },
  D: {
    backMarket: 'Fair',
    amazonRenewed: 'Acceptable',
    gbt45656: { level: 4, label: '四级 (Level 4)' },
    chengxin: '8成新',
  },
};

export interface FindingSeverity {
  /** 'none' | 'cosmetic' | 'functional' | 'critical' (grading's words). */
  severity: string;
}

/**
 * premium without cosmetic findings → A, premium with → B; good (sold after refurbishment)
 * without cosmetic findings → C, with → D. Functional findings on a good item were the reason
 * for the repair, so they do not lower the tier; no inspection known counts as no findings.
 */
export function conditionTier(
  grade: SellableGrade,
  findings: readonly FindingSeverity[] = [],
): ConditionTier {
  const worn = findings.some((f) => f.severity === 'cosmetic');
  if (grade === 'premium') return worn ? 'B' : 'A';
  return worn ? 'D' : 'C';
}

export function gradeLabels(
  grade: SellableGrade,
  findings: readonly FindingSeverity[] = [],
): GradeLabels {
  const tier = conditionTier(grade, findings);
  return { tier, platform: grade, ...GRADE_LABEL_TABLE[tier] };
}

/** Which platform grades a buyer's filter word means, in any of the schemes. */
export function gradesForFilter(word: string): SellableGrade[] | null {
  const w = word.trim().toLowerCase();
  if (w === 'premium' || w === 'good') return [w];
  const tiers = (Object.keys(GRADE_LABEL_TABLE) as ConditionTier[]).filter((t) => {
    const l = GRADE_LABEL_TABLE[t];
    return l.backMarket.toLowerCase() === w || l.amazonRenewed.toLowerCase() === w;
  });
  if (tiers.length === 0) return null;
  return [...new Set(tiers.map((t) => (t === 'A' || t === 'B' ? 'premium' : 'good')))];
}
