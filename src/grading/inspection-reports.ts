import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type CompletedInspection,
  INSPECTION_REPORTS,
  type InspectionReports,
  type OdometerReading,
  type VehicleInspection,
} from '../core/read-models/inspection-reports.js';
import { InspectionReportsRepository } from './data/inspection-reports.repository.js';
import { completedInspection } from './domain/inspection-reports.js';

/**
 * Grading's read model of completed inspections for other stages. It reads the report as frozen
 * into the item's history (core's hash chain) at `Inspection.complete`, which is what the
 * inspector signed off, whatever happened to the inspection row since.
 */
@Injectable()
export class InspectionReportsReader implements InspectionReports {
  constructor(private readonly reports: InspectionReportsRepository) {}

  async completedReport(
    itemId: string,
    inspectionId: string | null,
  ): Promise<CompletedInspection | null> {
    const row = await this.reports.completedEvent(itemId, inspectionId);
    if (!row) return null;
    return completedInspection(row.entity_id, row.data);
  }

  async odometerReadings(manager: EntityManager, vin: string): Promise<OdometerReading[]> {
    const rows = await this.reports.odometerRows(manager, vin);
    return rows.map((r) => ({
      inspectionId: r.id,
      itemId: r.item_id,
      km: r.km,
      completedAt: new Date(r.completed_at),
    }));
  }

  async latestForVin(manager: EntityManager, vin: string): Promise<VehicleInspection | null> {
    const row = await this.reports.latestForVin(manager, vin);
    return row?.answers
      ? {
          inspectionId: row.id,
          answers: row.answers,
          sections: row.report?.sections,
          completedAt: row.completed_at,
        }
      : null;
  }
}

/** Publishes INSPECTION_REPORTS to every module; GradingModule imports it once. */
@Global()
@Module({
  providers: [
    InspectionReportsRepository,
    InspectionReportsReader,
    { provide: INSPECTION_REPORTS, useExisting: InspectionReportsReader },
  ],
  exports: [INSPECTION_REPORTS],
})
export class InspectionReportsModule {}
