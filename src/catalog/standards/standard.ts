// Types for a versioned grading standard: the written checklist a grader follows for one
// category family, and the rules that turn the answers into a grade with reasons.
//
// A standard is plain JSON data (no functions), so it can be stored as a JSONB document,
// fingerprinted (see `standardFingerprint`) and frozen into an inspection report: publishing a
// new version never changes what an old report was graded under.
//
// Modelled after Back Market's and Amazon Renewed's published grade definitions (battery at
// least 80 % of design capacity, scratches invisible at 20–50 cm, factory reset, no account lock)
// and GB/T 45656-2025 (二手电子产品可用程度分级规范: usability graded by function, appearance and
// remaining life). Vehicles follow a GB/T 30323-2013 style scored checklist.

/** How bad one answer is. Ordered: none < cosmetic < functional < critical. */
export type Severity = 'none' | 'cosmetic' | 'functional' | 'critical';
export const SEVERITIES: readonly Severity[] = ['none', 'cosmetic', 'functional', 'critical'];
/** A severity that can cost money. */
export type FaultSeverity = Exclude<Severity, 'none'>;
export const FAULT_SEVERITIES: readonly FaultSeverity[] = ['cosmetic', 'functional', 'critical'];

/** The three grades (spec §1): 优品 premium, 良品 good (refurbish first), 废品 scrap (recycle). */
export type Grade = 'premium' | 'good' | 'scrap';
export const GRADES: readonly Grade[] = ['premium', 'good', 'scrap'];

/** Higher is worse; the final grade is the worst grade any rule assigns. */
export const GRADE_RANK: Readonly<Record<Grade, number>> = { premium: 0, good: 1, scrap: 2 };
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  none: 0,
  cosmetic: 1,
  functional: 2,
  critical: 3,
};

/**
 * A hint for valuation: what an answer of a given severity costs. Either (or both) of a share
 * of the item's reference value and a fixed amount (e.g. the price of a replacement battery),
 * in minor units of the standard's currency. Valuation decides how to combine hints; the hint
 * only lets it explain a price difference by check and rule.
 */
export interface DeductionHint {
  /** Share of the reference value lost, 0..1. */
  share?: number;
  /** Fixed amount lost, integer minor units (CNY fen unless the standard says otherwise). */
  fixedMinor?: number;
  /** Short explanation shown next to the deduction ("battery replacement"). */
  note?: string;
}

/** Deduction hints per fault severity for one check. */
export type DeductionBySeverity = Partial<Record<FaultSeverity, DeductionHint>>;

export type CheckKind = 'boolean' | 'choice' | 'number' | 'photo';

interface CheckBase {
  /** Stable id, snake_case, unique within the standard; answers are keyed by it. */
  id: string;
  label: string;
  /** What exactly to look at and how (shown to the grader). */
  help: string;
  required: boolean;
  /** Optional grouping for the UI ("Screen", "Body", "Function"). */
  section?: string;
  /** Valuation hint per severity; an option or band may override it. */
  deduction: DeductionBySeverity;
  /**
   * The scoring section (an id in `scoring.sections`) this inspection item deducts points from
   * (vehicles, GB/T 30323 item by item); the answer's `points` are taken off the section.
   */
  scoreSection?: string;
}

/** The outcome of one possible answer. */
export interface AnswerOutcome {
  severity: Severity;
  /** Overrides the check's deduction for this answer. */
  deduction?: DeductionHint;
  /** Points this answer takes off its check's `scoreSection` (item-scored standards). */
  points?: number;
}

export interface BooleanCheck extends CheckBase {
  kind: 'boolean';
  whenTrue: AnswerOutcome;
  whenFalse: AnswerOutcome;
}

export interface ChoiceOption extends AnswerOutcome {
  value: string;
  label: string;
}

export interface ChoiceCheck extends CheckBase {
  kind: 'choice';
  options: ChoiceOption[];
}

/**
 * A range of numbers with one outcome: `min` inclusive, `max` exclusive (either may be absent
 * for an open end). The first band that contains the answer applies.
 */
export interface NumberBand extends AnswerOutcome {
  min?: number;
  max?: number;
  label: string;
}

export interface NumberCheck extends CheckBase {
  kind: 'number';
  unit: string;
  /** Allowed answers, both inclusive. */
  min: number;
  max: number;
  integer: boolean;
  bands: NumberBand[];
  /**
   * When true, the answer is a section score that adds up to the standard's total score
   * (vehicles, GB/T 30323 style); `max` is the section's full marks.
   */
  scored?: boolean;
}

/** Evidence only: answered with one or more photo references (storage keys). Severity none. */
export interface PhotoCheck extends CheckBase {
  kind: 'photo';
  minPhotos: number;
}

export type Check = BooleanCheck | ChoiceCheck | NumberCheck | PhotoCheck;

/** A condition on one check's answer. */
export type AnswerCondition =
  { op: 'in'; values: (string | boolean)[] } | { op: 'lt' | 'lte' | 'gt' | 'gte'; value: number };

interface RuleBase {
  /** Stable id, kebab-case, unique within the standard; named in every reason. */
  id: string;
  label: string;
  /** The grade this rule assigns when it fires (the worst fired grade wins). */
  grade: Grade;
  /**
   * The grade is provisional and the item must be held before an offer goes out: e.g. the
   * owner must remove an account lock, or compliance must look at a blacklisted IMEI.
   */
  hold?: boolean;
  /** Extra cost implied by the rule itself (on top of check deductions), for valuation. */
  deduction?: DeductionHint;
}

/** Fires when any answer has exactly this severity ("any critical → scrap"). */
export interface AnySeverityRule extends RuleBase {
  kind: 'any-severity';
  severity: FaultSeverity;
}

/** Fires when more than `moreThan` answers have exactly this severity. */
export interface SeverityCountRule extends RuleBase {
  kind: 'severity-count';
  severity: FaultSeverity;
  moreThan: number;
}

/** Fires when one check's answer meets a condition ("battery below 80 %"). */
export interface AnswerRule extends RuleBase {
  kind: 'answer';
  checkId: string;
  condition: AnswerCondition;
}

/** Fires when the total of the scored checks is below `below` (needs `scoring`). */
export interface ScoreBelowRule extends RuleBase {
  kind: 'score-below';
  below: number;
}

/**
 * Fires when a scoring section keeps less than `share` of its points ("a section with
 * significant defects needs work"); needs `scoring.sections`.
 */
export interface SectionBelowRule extends RuleBase {
  kind: 'section-below';
  share: number;
}

export type GradeRule =
  AnySeverityRule | SeverityCountRule | AnswerRule | ScoreBelowRule | SectionBelowRule;

/** A scoring section: its items' points are taken off `maxPoints` (never below 0). */
export interface ScoreSection {
  id: string;
  label: string;
  maxPoints: number;
}

export interface GradingStandard {
  /** Family code, kebab-case ('phone', 'vehicle'); a catalog leaf's `standardCode` names it. */
  code: string;
  /** Positive integer; a published (code, version) never changes. */
  version: number;
  name: string;
  description: string;
  /** Currency of the fixed deduction amounts. */
  currency: string;
  /** Published definitions the standard follows. */
  references: string[];
  checks: Check[];
  rules: GradeRule[];
  /**
   * Present when the standard is scored: the total of the `scored` number checks, or, with
   * `sections`, of each section's points after its items' deductions (GB/T 30323 item by item).
   */
  scoring?: { maxScore: number; sections?: ScoreSection[] };
}

/** An answer as submitted: boolean, choice value, number, or photo reference(s). */
export type AnswerValue = boolean | string | number | string[];
/** Answers keyed by check id; an absent, null or undefined value means "not answered". */
export type Answers = Readonly<Record<string, AnswerValue | null | undefined>>;

/** One problem in a standard definition (see `validateStandard`). */
export interface StandardProblem {
  path: string;
  message: string;
}

const ID_PATTERN = /^[a-z][a-z0-9_]*$/;
const CODE_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function checkDeduction(path: string, hint: DeductionHint | undefined, out: StandardProblem[]) {
  if (!hint) return;
  if (hint.share !== undefined && !(hint.share >= 0 && hint.share <= 1)) {
    out.push({ path: `${path}.share`, message: 'share must be between 0 and 1' });
  }
  if (
    hint.fixedMinor !== undefined &&
    !(Number.isSafeInteger(hint.fixedMinor) && hint.fixedMinor >= 0)
  ) {
    out.push({ path: `${path}.fixedMinor`, message: 'fixedMinor must be a non-negative integer' });
  }
}

/**
 * Structural checks an admin's draft must pass before it is published: unique ids, rules that
 * name existing checks, number bands that cover the allowed range, sane deductions. Returns an
 * empty list for a valid standard.
 */
export function validateStandard(standard: GradingStandard): StandardProblem[] {
  const out: StandardProblem[] = [];
  if (!CODE_PATTERN.test(standard.code)) {
    out.push({ path: 'code', message: 'code must be kebab-case' });
  }
  if (!Number.isSafeInteger(standard.version) || standard.version < 1) {
    out.push({ path: 'version', message: 'version must be a positive integer' });
  }
  if (standard.checks.length === 0) out.push({ path: 'checks', message: 'no checks' });
  if (standard.rules.length === 0) out.push({ path: 'rules', message: 'no rules' });

  const checks = new Map<string, Check>();
  const sectionIds = new Set((standard.scoring?.sections ?? []).map((s) => s.id));
  standard.checks.forEach((check, i) => {
    const path = `checks[${i}]`;
    if (check.scoreSection !== undefined && !sectionIds.has(check.scoreSection)) {
      out.push({ path: `${path}.scoreSection`, message: `unknown section ${check.scoreSection}` });
    }
    for (const outcome of outcomesOf(check)) {
      if (
        outcome.points !== undefined &&
        !(Number.isFinite(outcome.points) && outcome.points >= 0)
      ) {
        out.push({ path: `${path}`, message: 'points must be a non-negative number' });
      }
      if (outcome.points !== undefined && check.scoreSection === undefined) {
        out.push({ path: `${path}.scoreSection`, message: 'points need a scoreSection' });
      }
    }
    if (!ID_PATTERN.test(check.id))
      out.push({ path: `${path}.id`, message: 'id must be snake_case' });
    if (checks.has(check.id)) out.push({ path: `${path}.id`, message: `duplicate id ${check.id}` });
    checks.set(check.id, check);
    for (const severity of FAULT_SEVERITIES) {
      checkDeduction(`${path}.deduction.${severity}`, check.deduction[severity], out);
    }
    switch (check.kind) {
      case 'boolean':
        checkDeduction(`${path}.whenTrue.deduction`, check.whenTrue.deduction, out);
        checkDeduction(`${path}.whenFalse.deduction`, check.whenFalse.deduction, out);
        break;
      case 'choice': {
        if (check.options.length < 2) {
          out.push({ path: `${path}.options`, message: 'a choice needs at least two options' });
        }
        const seen = new Set<string>();
        check.options.forEach((option, j) => {
          if (seen.has(option.value)) {
            out.push({ path: `${path}.options[${j}]`, message: `duplicate value ${option.value}` });
          }
          seen.add(option.value);
          checkDeduction(`${path}.options[${j}].deduction`, option.deduction, out);
        });
        break;
      }
      case 'number': {
        if (!(check.min <= check.max)) {
          out.push({ path: `${path}.min`, message: 'min must not exceed max' });
        }
        check.bands.forEach((band, j) => {
          if (band.min !== undefined && band.max !== undefined && !(band.min < band.max)) {
            out.push({ path: `${path}.bands[${j}]`, message: 'band min must be below band max' });
          }
          checkDeduction(`${path}.bands[${j}].deduction`, band.deduction, out);
        });
        // Every allowed answer must fall into some band, or grading would have no outcome.
        // Probing the ends and every band edge (and just below it) is enough for half-open bands.
        const probes = new Set<number>([check.min, check.max]);
        for (const band of check.bands) {
          for (const edge of [band.min, band.max]) {
            if (edge === undefined || edge < check.min || edge > check.max) continue;
            probes.add(edge);
            const below = check.integer ? edge - 1 : edge - 1e-9;
            if (below >= check.min) probes.add(below);
          }
        }
        for (const probe of probes) {
          if (!findBand(check, probe)) {
            out.push({ path: `${path}.bands`, message: `no band covers ${probe}` });
            break;
          }
        }
        break;
      }
      case 'photo':
        if (!Number.isSafeInteger(check.minPhotos) || check.minPhotos < 1) {
          out.push({ path: `${path}.minPhotos`, message: 'minPhotos must be at least 1' });
        }
        break;
    }
  });

  const ruleIds = new Set<string>();
  standard.rules.forEach((rule, i) => {
    const path = `rules[${i}]`;
    if (!CODE_PATTERN.test(rule.id))
      out.push({ path: `${path}.id`, message: 'id must be kebab-case' });
    if (ruleIds.has(rule.id)) out.push({ path: `${path}.id`, message: `duplicate id ${rule.id}` });
    ruleIds.add(rule.id);
    checkDeduction(`${path}.deduction`, rule.deduction, out);
    if (rule.kind === 'answer') {
      const check = checks.get(rule.checkId);
      if (!check) {
        out.push({ path: `${path}.checkId`, message: `unknown check ${rule.checkId}` });
      } else if (rule.condition.op === 'in' ? check.kind === 'number' : check.kind !== 'number') {
        out.push({
          path: `${path}.condition`,
          message: `condition does not fit a ${check.kind} check`,
        });
      } else if (check.kind === 'photo') {
        out.push({ path: `${path}.checkId`, message: 'rules cannot depend on photo checks' });
      }
    }
    if (
      rule.kind === 'severity-count' &&
      !(Number.isSafeInteger(rule.moreThan) && rule.moreThan >= 0)
    ) {
      out.push({ path: `${path}.moreThan`, message: 'moreThan must be a non-negative integer' });
    }
    if (rule.kind === 'score-below' && !standard.scoring) {
      out.push({ path: path, message: 'a score rule needs standard.scoring' });
    }
    if (rule.kind === 'section-below' && !standard.scoring?.sections) {
      out.push({ path: path, message: 'a section rule needs standard.scoring.sections' });
    }
  });

  if (standard.scoring?.sections) {
    const sections = standard.scoring.sections;
    const total = sections.reduce((sum, s) => sum + s.maxPoints, 0);
    if (new Set(sections.map((s) => s.id)).size !== sections.length) {
      out.push({ path: 'scoring.sections', message: 'duplicate section id' });
    }
    if (total !== standard.scoring.maxScore) {
      out.push({
        path: 'scoring.maxScore',
        message: `sections add up to ${total}, not ${standard.scoring.maxScore}`,
      });
    }
  } else if (standard.scoring) {
    const total = standard.checks
      .filter((c): c is NumberCheck => c.kind === 'number' && c.scored === true)
      .reduce((sum, c) => sum + c.max, 0);
    if (total !== standard.scoring.maxScore) {
      out.push({
        path: 'scoring.maxScore',
        message: `scored checks add up to ${total}, not ${standard.scoring.maxScore}`,
      });
    }
  }
  return out;
}

/** Every possible outcome of a check (for validation). */
function outcomesOf(check: Check): AnswerOutcome[] {
  switch (check.kind) {
    case 'boolean':
      return [check.whenTrue, check.whenFalse];
    case 'choice':
      return check.options;
    case 'number':
      return check.bands;
    case 'photo':
      return [];
  }
}

/** The band a number answer falls into (first match), if any. */
export function findBand(check: NumberCheck, value: number): NumberBand | undefined {
  return check.bands.find(
    (band) =>
      (band.min === undefined || value >= band.min) && (band.max === undefined || value < band.max),
  );
}
