import { BadRequestException } from '@nestjs/common';
import type { GradeFinding } from '../core/jobs/job-catalogue.js';
import { computeGrade, type GradeResult, InvalidAnswersError } from './engine/grade-engine.js';
import type { Answers, GradingStandard } from './engine/standard.js';

/** Grades answers under a standard; answers that do not fit it are the client's mistake (400). */
export function gradeAnswers(
  standard: GradingStandard,
  answers: Record<string, unknown>,
): GradeResult {
  try {
    return computeGrade(standard, answers as Answers);
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
  const ruleByCheck = new Map(result.reasons.map((r) => [r.checkId, r.rule]));
  return result.findings.map((f) => ({
    checkId: f.checkId,
    label: f.label,
    answer: f.answer,
    severity: f.severity,
    rule: ruleByCheck.get(f.checkId) ?? null,
    ...(f.deduction?.share !== undefined ? { deductionShare: f.deduction.share } : {}),
    ...(f.deduction?.fixedMinor !== undefined ? { deductionMinor: f.deduction.fixedMinor } : {}),
  }));
}
