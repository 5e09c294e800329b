/**
 * What grading found on an item, as far as another stage needs it: refurbishment prices and plans
 * a repair from the findings and re-grades against the same standard. Grading implements it and
 * provides it under INSPECTION_REPORTS (issue 20: the producer owns the reading of its own
 * records, so no other stage parses grading's history entries).
 */
export const INSPECTION_REPORTS = Symbol('InspectionReports');

export interface InspectionReports {
  /**
   * The item's latest completed inspection (or the one named), as frozen into its history at
   * completion; null when it has none.
   */
  completedReport(itemId: string, inspectionId: string | null): Promise<CompletedInspection | null>;
}

export interface CompletedInspection {
  inspectionId: string;
  findings: Array<{
    checkId: string;
    label: string;
    severity: 'none' | 'cosmetic' | 'functional' | 'critical';
  }>;
  standard: { id: string; code: string; version: number } | null;
}
