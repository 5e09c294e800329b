import { BadRequestException } from '@nestjs/common';
import type { GradeFinding } from '../../core/jobs/job-catalogue.js';
import { computeGrade, type GradeResult, InvalidAnswersError } from './grade-engine.js';
import type { Answers, GradingStandard } from './standard.js';

/** Grades answers under a standard; answers that do not fit it are the client's mistake (400). */
export function gradeAnswers(
  standard: GradingStandard,
  answers: Record<string, unknown>,
  options: { allowMissing?: boolean } = {},
): GradeResult {
  try {
    return computeGrade(standard, answers as Answers, options);
  } catch (err) {
    if (err instanceof InvalidAnswersError) {
      throw new BadRequestException({
        message: `Answers do not fit ${standard.code} v${standard.version}: ${err.errors
          .map((e) => e.field)
          .join(', ')}`,
        fields: err.errors.map((e) => ({ field: e.field, errors: [`${e.code}: ${e.message}`] })),
      });
    }
    throw err;
  }
}

/** The findings in the shape of the ItemGraded contract (with the rule that judged each). */
export function gradeFindings(result: GradeResult): GradeFinding[] {
  const reasonByCheck = new Map(result.reasons.map((r) => [r.checkId, r]));
  return result.findings.map((f) => ({
    checkId: f.checkId,
    label: f.label,
    answer: f.answer,
    severity: f.severity,
    rule: reasonByCheck.get(f.checkId)?.rule ?? null,
    ...(reasonByCheck.has(f.checkId) ? { ruleGrade: reasonByCheck.get(f.checkId)!.grade } : {}),
    ...(f.deduction?.share !== undefined ? { deductionShare: f.deduction.share } : {}),
    ...(f.deduction?.fixedMinor !== undefined ? { deductionMinor: f.deduction.fixedMinor } : {}),
  }));
}

/**
 * Whether a finding takes value off the item: any fault, and an answer that sets no grade but
 * carries a price (a phone without its charger). Both the quote and the final offer price these.
 */
export function takesValue(f: GradeFinding): boolean {
  return f.severity !== 'none' || f.deductionMinor !== undefined || f.deductionShare !== undefined;
}
