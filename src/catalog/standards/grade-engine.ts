// Pure grading: validate a grader's answers against a standard, then turn them into a grade
// with the reasons. Deterministic (same standard + answers → same result, byte for byte), so a
// report can be recomputed and checked later against the standard's fingerprint.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  type AnswerCondition,
  type AnswerValue,
  type Answers,
  type Check,
  type DeductionHint,
  type Grade,
  type GradeRule,
  type GradingStandard,
  type NumberCheck,
  type ScoreSection,
  type Severity,
  GRADE_RANK,
  SEVERITIES,
  findBand,
} from './standard.js';

export type AnswerErrorCode =
  | 'unknown_check'
  | 'required'
  | 'wrong_type'
  | 'choice_not_allowed'
  | 'out_of_range'
  | 'not_integer'
  | 'photo_not_string'
  | 'too_few_photos';

/** One field at fault, in the shape the HTTP layer lists for a 400. */
export interface AnswerFieldError {
  /** `answers.<checkId>` (or `answers.<checkId>[i]` for one photo reference). */
  field: string;
  checkId: string;
  code: AnswerErrorCode;
  message: string;
}

/** Thrown by `computeGrade` when the answers do not fit the standard. */
export class InvalidAnswersError extends Error {
  constructor(readonly errors: AnswerFieldError[]) {
    super(`Invalid answers: ${errors.map((e) => `${e.field} ${e.code}`).join(', ')}`);
    this.name = 'InvalidAnswersError';
  }
}

function isAnswered(value: AnswerValue | null | undefined): value is AnswerValue {
  return value !== undefined && value !== null;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return value === null ? 'null' : typeof value;
}

/**
 * Every problem with the answers, in the standard's check order (then unknown ids in sorted
 * order): unknown check, missing required answer, wrong type, choice not offered, number out of
 * range or not an integer, photo reference not a (non-empty) string, too few photos.
 * An empty list means `computeGrade` will accept the answers.
 */
export function validateAnswers(standard: GradingStandard, answers: Answers): AnswerFieldError[] {
  const errors: AnswerFieldError[] = [];
  const known = new Set(standard.checks.map((c) => c.id));
  const push = (checkId: string, code: AnswerErrorCode, message: string, field?: string) =>
    errors.push({ field: field ?? `answers.${checkId}`, checkId, code, message });

  for (const check of standard.checks) {
    const value = answers[check.id];
    if (!isAnswered(value)) {
      if (check.required) push(check.id, 'required', `${check.label} is required`);
      continue;
    }
    switch (check.kind) {
      case 'boolean':
        if (typeof value !== 'boolean') {
          push(check.id, 'wrong_type', `expected a boolean, got ${describe(value)}`);
        }
        break;
      case 'choice':
        if (typeof value !== 'string') {
          push(check.id, 'wrong_type', `expected one of the options, got ${describe(value)}`);
        } else if (!check.options.some((o) => o.value === value)) {
          push(
            check.id,
            'choice_not_allowed',
            `"${value}" is not one of ${check.options.map((o) => o.value).join(', ')}`,
          );
        }
        break;
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          push(check.id, 'wrong_type', `expected a number, got ${describe(value)}`);
        } else if (value < check.min || value > check.max) {
          push(
            check.id,
            'out_of_range',
            `must be between ${check.min} and ${check.max} ${check.unit}`,
          );
        } else if (check.integer && !Number.isInteger(value)) {
          push(check.id, 'not_integer', 'must be a whole number');
        }
        break;
      case 'photo': {
        const refs: unknown[] = Array.isArray(value) ? value : [value];
        let bad = false;
        refs.forEach((ref, i) => {
          if (typeof ref !== 'string' || ref.trim() === '') {
            bad = true;
            const field = Array.isArray(value) ? `answers.${check.id}[${i}]` : undefined;
            push(
              check.id,
              'photo_not_string',
              'a photo reference must be a non-empty string',
              field,
            );
          }
        });
        if (!bad && refs.length < check.minPhotos) {
          push(check.id, 'too_few_photos', `at least ${check.minPhotos} photo(s) needed`);
        }
        break;
      }
    }
  }
  for (const id of Object.keys(answers).sort()) {
    if (!known.has(id))
      push(id, 'unknown_check', `no check "${id}" in ${standard.code} v${standard.version}`);
  }
  return errors;
}

/** One answered check and what it means. */
export interface Finding {
  checkId: string;
  label: string;
  answer: AnswerValue;
  severity: Severity;
  /** The deduction hint that applies to this answer's severity, if any. */
  deduction?: DeductionHint;
  /** Points the answer took off its scoring section (item-scored standards), when any. */
  points?: number;
  /** The scoring section of an item-scored check. */
  scoreSection?: string;
}

/** One scoring section's result (item-scored standards): points kept out of its maximum. */
export interface SectionScore extends ScoreSection {
  points: number;
}

/** Why the grade is what it is: one offending check and the rule that judged it. */
export interface GradeReason {
  checkId: string;
  label: string;
  answer: AnswerValue;
  severity: Severity;
  /** Rule id. */
  rule: string;
  ruleLabel: string;
  /** Grade the rule assigns. */
  grade: Grade;
}

export interface FiredRule {
  rule: string;
  label: string;
  grade: Grade;
  hold: boolean;
  deduction?: DeductionHint;
  /** The checks that made the rule fire. */
  checkIds: string[];
}

export interface GradeResult {
  standardCode: string;
  standardVersion: number;
  grade: Grade;
  /** The item must be held (e.g. account lock, blacklisted IMEI) before an offer goes out. */
  hold: boolean;
  /**
   * One reason per offending check, attributed to the worst-grading rule that names it (ties:
   * the earlier rule in the standard); sorted worst grade first, then in check order.
   */
  reasons: GradeReason[];
  /** Every fired rule, in the standard's rule order. */
  rules: FiredRule[];
  /** Number of answered checks per severity. */
  severities: Record<Severity, number>;
  /** Every answered non-photo check, in check order, for valuation and the report. */
  findings: Finding[];
  /** Total of the scored checks, or null when the standard is not scored. */
  score: number | null;
  /** Per-section points, present only for item-scored standards (`scoring.sections`). */
  sections?: SectionScore[];
  summary: string;
}

function outcomeOf(
  check: Check,
  value: AnswerValue,
): { severity: Severity; deduction?: DeductionHint; points?: number } {
  switch (check.kind) {
    case 'boolean':
      return value === true ? check.whenTrue : check.whenFalse;
    case 'choice': {
      const option = check.options.find((o) => o.value === value);
      // validateAnswers guarantees the option exists.
      return option ?? { severity: 'none' };
    }
    case 'number':
      return findBand(check, value as number) ?? { severity: 'none' };
    case 'photo':
      return { severity: 'none' };
  }
}

function matches(condition: AnswerCondition, value: AnswerValue): boolean {
  switch (condition.op) {
    case 'in':
      return condition.values.some((v) => v === value);
    case 'lt':
      return typeof value === 'number' && value < condition.value;
    case 'lte':
      return typeof value === 'number' && value <= condition.value;
    case 'gt':
      return typeof value === 'number' && value > condition.value;
    case 'gte':
      return typeof value === 'number' && value >= condition.value;
  }
}

function formatAnswer(value: AnswerValue): string {
  if (Array.isArray(value)) return `${value.length} photo(s)`;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

/**
 * Grade the answers under the standard. Every rule is evaluated; the grade is the worst grade
 * of the rules that fire (premium when none does). Throws `InvalidAnswersError` when
 * `validateAnswers` reports anything.
 */
export function computeGrade(
  standard: GradingStandard,
  answers: Answers,
  options: { allowMissing?: boolean } = {},
): GradeResult {
  // allowMissing: a provisional result while the grader is still answering (the preview);
  // unanswered checks count as not yet found, every other problem still throws.
  const errors = validateAnswers(standard, answers).filter(
    (e) => !(options.allowMissing && e.code === 'required'),
  );
  if (errors.length > 0) throw new InvalidAnswersError(errors);

  const findings: Finding[] = [];
  const severities: Record<Severity, number> = { none: 0, cosmetic: 0, functional: 0, critical: 0 };
  for (const check of standard.checks) {
    const answer = answers[check.id];
    if (!isAnswered(answer)) continue;
    const outcome = outcomeOf(check, answer);
    severities[outcome.severity] += 1;
    if (check.kind === 'photo') continue;
    const deduction =
      outcome.deduction ??
      (outcome.severity === 'none' ? undefined : check.deduction[outcome.severity]);
    const points = check.scoreSection !== undefined ? (outcome.points ?? 0) : 0;
    findings.push({
      checkId: check.id,
      label: check.label,
      answer,
      severity: outcome.severity,
      ...(deduction ? { deduction } : {}),
      ...(points > 0 ? { points } : {}),
      ...(check.scoreSection !== undefined ? { scoreSection: check.scoreSection } : {}),
    });
  }
  const byCheck = new Map(findings.map((f) => [f.checkId, f]));

  const scoredChecks = standard.checks.filter(
    (c): c is NumberCheck => c.kind === 'number' && c.scored === true,
  );
  const sections = sectionScores(standard, findings);
  const score = sections
    ? sections.reduce((sum, s) => sum + s.points, 0)
    : standard.scoring
      ? scoredChecks.reduce((sum, c) => {
          const value = answers[c.id];
          return sum + (typeof value === 'number' ? value : 0);
        }, 0)
      : null;

  const fired: FiredRule[] = [];
  for (const rule of standard.rules) {
    const hits = triggeringFindings(rule, findings, byCheck, scoredChecks, score, sections);
    if (hits === null) continue;
    fired.push({
      rule: rule.id,
      label: rule.label,
      grade: rule.grade,
      hold: rule.hold === true,
      ...(rule.deduction ? { deduction: rule.deduction } : {}),
      checkIds: hits.map((f) => f.checkId),
    });
  }

  const grade = fired.reduce<Grade>(
    (worst, r) => (GRADE_RANK[r.grade] > GRADE_RANK[worst] ? r.grade : worst),
    'premium',
  );
  const hold = fired.some((r) => r.hold);

  // One reason per check: the worst-grading rule that names it, earliest on a tie.
  const reasonByCheck = new Map<string, GradeReason>();
  for (const rule of fired) {
    for (const checkId of rule.checkIds) {
      const current = reasonByCheck.get(checkId);
      if (current && GRADE_RANK[current.grade] >= GRADE_RANK[rule.grade]) continue;
      const finding = byCheck.get(checkId);
      if (!finding) continue;
      reasonByCheck.set(checkId, {
        checkId,
        label: finding.label,
        answer: finding.answer,
        severity: finding.severity,
        rule: rule.rule,
        ruleLabel: rule.label,
        grade: rule.grade,
      });
    }
  }
  const order = new Map(standard.checks.map((c, i) => [c.id, i]));
  const reasons = [...reasonByCheck.values()].sort(
    (a, b) =>
      GRADE_RANK[b.grade] - GRADE_RANK[a.grade] ||
      (order.get(a.checkId) ?? 0) - (order.get(b.checkId) ?? 0),
  );

  return {
    standardCode: standard.code,
    standardVersion: standard.version,
    grade,
    hold,
    reasons,
    rules: fired,
    severities,
    findings,
    score,
    ...(sections ? { sections } : {}),
    summary: summarize(standard, grade, hold, reasons, severities, score),
  };
}

/**
 * Item-scored standards: each section keeps its maximum less the points its answered items
 * took off, never below 0 (GB/T 30323: a section cannot lose more than it is worth). Points are
 * rounded to tenths so that half points add up exactly. Null for other standards.
 */
export function sectionScores(
  standard: GradingStandard,
  findings: readonly Finding[],
): SectionScore[] | null {
  const defs = standard.scoring?.sections;
  if (!defs) return null;
  return defs.map((s) => {
    const lost = findings
      .filter((f) => f.scoreSection === s.id)
      .reduce((sum, f) => sum + (f.points ?? 0), 0);
    return {
      id: s.id,
      label: s.label,
      maxPoints: s.maxPoints,
      points: Math.max(0, Math.round((s.maxPoints - lost) * 10) / 10),
    };
  });
}

/** The findings that make a rule fire, or null when it does not fire. */
function triggeringFindings(
  rule: GradeRule,
  findings: Finding[],
  byCheck: Map<string, Finding>,
  scoredChecks: NumberCheck[],
  score: number | null,
  sections: SectionScore[] | null,
): Finding[] | null {
  switch (rule.kind) {
    case 'any-severity': {
      const hits = findings.filter((f) => f.severity === rule.severity);
      return hits.length > 0 ? hits : null;
    }
    case 'severity-count': {
      const hits = findings.filter((f) => f.severity === rule.severity);
      return hits.length > rule.moreThan ? hits : null;
    }
    case 'answer': {
      const finding = byCheck.get(rule.checkId);
      return finding && matches(rule.condition, finding.answer) ? [finding] : null;
    }
    case 'score-below': {
      if (score === null || score >= rule.below) return null;
      // Item-scored: the items that took points off explain a low total.
      if (sections) return findings.filter((f) => (f.points ?? 0) > 0);
      // The sections that lost marks explain a low total.
      return scoredChecks
        .map((c) => byCheck.get(c.id))
        .filter((f): f is Finding => f !== undefined)
        .filter((f) => {
          const check = scoredChecks.find((c) => c.id === f.checkId);
          return check !== undefined && (f.answer as number) < check.max;
        });
    }
    case 'section-below': {
      const weak = new Set(
        (sections ?? []).filter((s) => s.points < s.maxPoints * rule.share).map((s) => s.id),
      );
      if (weak.size === 0) return null;
      return findings.filter((f) => weak.has(f.scoreSection ?? '') && (f.points ?? 0) > 0);
    }
  }
}

function summarize(
  standard: GradingStandard,
  grade: Grade,
  hold: boolean,
  reasons: GradeReason[],
  severities: Record<Severity, number>,
  score: number | null,
): string {
  const counts = SEVERITIES.filter((s) => s !== 'none')
    .map((s) => `${severities[s]} ${s}`)
    .join(', ');
  const head =
    `${grade} under ${standard.code} v${standard.version}` +
    (score !== null ? ` (score ${score}/${standard.scoring?.maxScore ?? 0})` : '') +
    ` — ${counts}`;
  if (reasons.length === 0) return `${head}. No rule lowered the grade.`;
  const why = reasons
    .map((r) => `${r.ruleLabel}: ${r.label} = ${formatAnswer(r.answer)}`)
    .join('; ');
  return `${head}. ${why}.${hold ? ' HOLD before any offer.' : ''}`;
}

/**
 * sha256 (hex) of the standard's canonical JSON (RFC 8785), so a report can prove which exact
 * version it was graded under: key order does not matter, any change to content does.
 */
export function standardFingerprint(standard: GradingStandard): string {
  const json = canonicalize(standard);
  if (json === undefined) throw new Error('standard cannot be canonicalized');
  return createHash('sha256').update(json).digest('hex');
}

/**
 * A complete answer set in which every check has a severity-none answer (photos get
 * placeholder references) — what a flawless item looks like. Useful for demo seeds and tests.
 */
export function idealAnswers(
  standard: GradingStandard,
  photoRef: (checkId: string, index: number) => string = (id, i) =>
    `demo/${standard.code}/${id}-${i + 1}.jpg`,
): Record<string, AnswerValue> {
  const answers: Record<string, AnswerValue> = {};
  for (const check of standard.checks) {
    switch (check.kind) {
      case 'boolean':
        answers[check.id] = check.whenTrue.severity === 'none' ? true : false;
        break;
      case 'choice': {
        const option = check.options.find((o) => o.severity === 'none');
        if (option) answers[check.id] = option.value;
        break;
      }
      case 'number': {
        // The allowed value closest to max that lands in a severity-none band (full marks,
        // 100 % battery): scan the band edges from the top.
        const candidates = [check.max, ...check.bands.flatMap((b) => [b.min, b.max])]
          .filter((v): v is number => v !== undefined && v >= check.min && v <= check.max)
          .flatMap((v) => [v, check.integer ? v - 1 : v - 0.5])
          .filter((v) => v >= check.min && v <= check.max)
          .sort((a, b) => b - a);
        const value = candidates.find((v) => findBand(check, v)?.severity === 'none');
        if (value !== undefined) answers[check.id] = value;
        break;
      }
      case 'photo':
        answers[check.id] = Array.from({ length: check.minPhotos }, (_, i) =>
          photoRef(check.id, i),
        );
        break;
    }
  }
  return answers;
}
