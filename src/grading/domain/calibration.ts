// Grader calibration: a share of completed items is blindly re-graded by a second grader, and
// agreement is reported as Cohen's kappa (agreement corrected for chance) overall, per grader
// and per category.
import { createHash } from 'node:crypto';
import { type Grade, GRADES } from '../../catalog/standards/standard.js';

/** Two grades for the same item, from two different graders. */
export interface CalibrationPair {
  gradeA: Grade;
  gradeB: Grade;
  graderA: string;
  graderB: string;
  categoryCode: string;
}

/** 3×3 counts: matrix[i][j] = items graded GRADES[i] by A and GRADES[j] by B. */
export type ConfusionMatrix = number[][];

export function confusionMatrix(
  pairs: readonly { gradeA: Grade; gradeB: Grade }[],
): ConfusionMatrix {
  const index = new Map(GRADES.map((g, i) => [g, i]));
  const matrix = GRADES.map(() => GRADES.map(() => 0));
  for (const { gradeA, gradeB } of pairs) {
    const i = index.get(gradeA);
    const j = index.get(gradeB);
    if (i === undefined || j === undefined)
      throw new RangeError(`unknown grade ${gradeA}/${gradeB}`);
    matrix[i][j] += 1;
  }
  return matrix;
}

/**
 * Cohen's kappa from a square confusion matrix: (po − pe) / (1 − pe).
 * null with no data. When chance agreement is total (pe = 1: both graders used one and the same
 * grade for everything) observed agreement is total too, and kappa is taken as 1.
 */
export function kappaFromMatrix(matrix: ConfusionMatrix): number | null {
  const k = matrix.length;
  let n = 0;
  let agree = 0;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = matrix[i][j];
      n += c;
      rows[i] += c;
      cols[j] += c;
      if (i === j) agree += c;
    }
  }
  if (n === 0) return null;
  const po = agree / n;
  const pe = rows.reduce((sum, r, i) => sum + (r / n) * (cols[i] / n), 0);
  if (1 - pe < 1e-12) return po === 1 ? 1 : 0;
  return (po - pe) / (1 - pe);
}

/** Cohen's kappa of two graders over the three grades; null with no data. */
export function cohensKappa(pairs: readonly { gradeA: Grade; gradeB: Grade }[]): number | null {
  return kappaFromMatrix(confusionMatrix(pairs));
}

export interface AgreementStats {
  /** Number of double-graded items. */
  n: number;
  /** Items both graders graded the same. */
  agreements: number;
  /** agreements / n, or null with no data. */
  observedAgreement: number | null;
  kappa: number | null;
}

export interface GraderAgreement extends AgreementStats {
  graderId: string;
}

export interface CategoryAgreement extends AgreementStats {
  categoryCode: string;
}

export interface CalibrationReport {
  overall: AgreementStats;
  /** Every grader that appears in a pair (as A or B), sorted by id. */
  byGrader: GraderAgreement[];
  /** Sorted by category code. */
  byCategory: CategoryAgreement[];
}

export function agreementStats(pairs: readonly { gradeA: Grade; gradeB: Grade }[]): AgreementStats {
  const agreements = pairs.filter((p) => p.gradeA === p.gradeB).length;
  return {
    n: pairs.length,
    agreements,
    observedAgreement: pairs.length === 0 ? null : agreements / pairs.length,
    kappa: cohensKappa(pairs),
  };
}

function groupBy<T>(items: readonly T[], keys: (item: T) => string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of new Set(keys(item))) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Agreement overall, per grader (every pair the grader took part in, against whoever the other
 * grader was — kappa does not depend on which side is A) and per category.
 */
export function calibrationReport(pairs: readonly CalibrationPair[]): CalibrationReport {
  const byGrader = [...groupBy(pairs, (p) => [p.graderA, p.graderB]).entries()]
    .sort(([a], [b]) => byKey(a, b))
    .map(([graderId, group]) => ({ graderId, ...agreementStats(group) }));
  const byCategory = [...groupBy(pairs, (p) => [p.categoryCode]).entries()]
    .sort(([a], [b]) => byKey(a, b))
    .map(([categoryCode, group]) => ({ categoryCode, ...agreementStats(group) }));
  return { overall: agreementStats(pairs), byGrader, byCategory };
}

/** Default share of completed items re-graded blindly (spec: 5 %). */
export const DEFAULT_CALIBRATION_RATE = 0.05;

/**
 * Whether an item is picked for blind re-grading. Hash-based, not random: the same item gets
 * the same answer on every retry or replay, and about `rate` of all items are picked.
 * `salt` lets an operator draw a fresh, independent sample (e.g. per campaign).
 */
export function shouldSampleForCalibration(
  itemId: string,
  rate: number = DEFAULT_CALIBRATION_RATE,
  salt = 'calibration',
): boolean {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError('rate must be between 0 and 1');
  if (rate === 0) return false;
  if (rate === 1) return true;
  const digest = createHash('sha256').update(`${salt}:${itemId}`).digest();
  // 48 bits give a uniform number in [0, 1) with plenty of resolution.
  const u = digest.readUIntBE(0, 6) / 2 ** 48;
  return u < rate;
}
