import { DisposeItem, ItemGraded, ReturnInspected } from '../../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../../core/jobs/job-definition.js';
import type { GradeResult } from '../../catalog/standards/grade-engine.js';
import { gradeFindings } from '../../catalog/standards/grade-answers.js';
import type { Inspection } from '../data/inspection.entity.js';

/**
 * Who hears about a grade: a trade-in's final offer waits on acquisition (ItemGraded); a
 * buyer's return is compared with the grade it was sold as (ReturnInspected) and, being the
 * platform's already, routed at once (DisposeItem).
 */
export function afterGrading(
  inspection: Inspection,
  result: GradeResult,
  confirmedBySecondGrader: boolean,
): OutboxJob[] {
  if (inspection.source?.kind === 'sale-order') {
    return [
      job(ReturnInspected, {
        itemId: inspection.itemId,
        inspectionId: inspection.id,
        grade: result.grade,
        source: inspection.source,
      }),
      job(DisposeItem, { itemId: inspection.itemId }),
    ];
  }
  return [job(ItemGraded, gradedPayload(inspection, result, confirmedBySecondGrader))];
}

function gradedPayload(
  inspection: Inspection,
  result: GradeResult,
  confirmedBySecondGrader: boolean,
): JobPayload<typeof ItemGraded> {
  return {
    itemId: inspection.itemId,
    inspectionId: inspection.id,
    grade: result.grade,
    standardCode: result.standardCode,
    standardVersion: result.standardVersion,
    findings: gradeFindings(result),
    hold: result.hold,
    confirmedBySecondGrader,
  };
}
