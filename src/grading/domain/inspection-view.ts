import type { Item } from '../../core/items/item.entity.js';
import type { GradeResult } from '../../catalog/standards/grade-engine.js';
import {
  conditionReport,
  type VehicleConditionReport,
} from '../../catalog/standards/vehicle-condition.js';
import type { Inspection } from '../data/inspection.entity.js';

/**
 * A car's GB/T 30323 condition (level, accident grade, section points) beside the grade: from
 * the section points an item-by-item report computed, or a version 1 report's typed totals.
 */
export function vehicleCondition(
  code: string | null,
  answers: Record<string, unknown>,
  report: GradeResult | null,
): VehicleConditionReport | null {
  if (code !== 'vehicle' || !report) return null;
  return conditionReport(answers, report.sections);
}

function reportView(report: GradeResult | null) {
  return report ? reportFields(report) : null;
}

/** A report's fields (a preview always has a report: its fields are not optional there). */
export function reportFields(report: GradeResult) {
  return {
    grade: report.grade,
    hold: report.hold,
    score: report.score,
    sections: report.sections ?? null,
    summary: report.summary,
    reasons: report.reasons,
    findings: report.findings,
    rules: report.rules,
  };
}

export function inspectionView(
  i: Inspection,
  item: Pick<Item, 'traceCode' | 'categoryId' | 'productModelId'> | null,
) {
  return {
    id: i.id,
    itemId: i.itemId,
    item: item
      ? {
          traceCode: item.traceCode,
          categoryId: item.categoryId,
          productModelId: item.productModelId,
        }
      : null,
    warehouseId: i.warehouseId,
    supersedesId: i.supersedesId,
    reason: i.reason,
    standard: i.standardId
      ? {
          id: i.standardId,
          code: i.standardCode,
          version: i.standardVersion,
          fingerprint: i.standardFingerprint,
        }
      : null,
    graderId: i.graderId,
    claimedAt: i.claimedAt,
    completedAt: i.completedAt,
    answers: i.answers,
    photos: i.photos,
    notes: i.notes,
    grade: i.grade,
    hold: i.hold,
    report: reportView(i.report),
    vehicleCondition: i.answers ? vehicleCondition(i.standardCode, i.answers, i.report) : null,
    secondGrading: i.secondGrading,
    secondGraderId: i.secondGraderId,
    confirmedBySecondGrader: i.confirmedBySecondGrader,
    createdAt: i.createdAt,
  };
}
