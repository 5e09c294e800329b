import type { EntityManager } from 'typeorm';

/**
 * What grading found on an item, as far as another stage needs it: refurbishment prices and plans
 * a repair from the findings and re-grades against the same standard; vehicles takes the odometer
 * readings and the latest car inspection of a VIN. Grading implements it and
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
  /** Every odometer an inspector read on items with this VIN (completed or superseded reports). */
  odometerReadings(manager: EntityManager, vin: string): Promise<OdometerReading[]>;
  /** The latest completed inspection with answers of any item with this VIN. */
  latestForVin(manager: EntityManager, vin: string): Promise<VehicleInspection | null>;
}

export interface OdometerReading {
  inspectionId: string;
  itemId: string;
  km: number;
  completedAt: Date;
}

export interface VehicleInspection {
  inspectionId: string;
  answers: Record<string, unknown>;
  /** Section points the grade engine computed (item-scored standards), when it did. */
  sections: Array<{ id: string; points: number }> | undefined;
  completedAt: Date;
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
