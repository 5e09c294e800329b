import { Global, Injectable, Module } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type CompletedInspection,
  INSPECTION_REPORTS,
  type InspectionReports,
  type OdometerReading,
  type VehicleInspection,
} from '../../core/read-models/inspection-reports.js';
import { InspectionReportsRepository } from '../data/inspection-reports.repository.js';

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
    const raw = Array.isArray(row.data.findings) ? (row.data.findings as unknown[]) : [];
    const findings = raw
      .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null)
      .map((f) => ({
        checkId: String(f.checkId),
        label: String(f.label ?? f.checkId),
        severity: (['cosmetic', 'functional', 'critical'].includes(String(f.severity))
          ? f.severity
          : 'none') as CompletedInspection['findings'][number]['severity'],
      }));
    const s = row.data.standard as Record<string, unknown> | undefined;
    const standard =
      s && typeof s.id === 'string' && typeof s.code === 'string' && typeof s.version === 'number'
        ? { id: s.id, code: s.code, version: s.version }
        : null;
    return { inspectionId: row.entity_id, findings, standard };
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
