import { Global, Injectable, Module } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type CompletedInspection,
  INSPECTION_REPORTS,
  type InspectionReports,
  type OdometerReading,
  type VehicleInspection,
} from '../../core/read-models/inspection-reports.js';

/**
 * Grading's read model of completed inspections for other stages. It reads the report as frozen
 * into the item's history (core's hash chain) at `Inspection.complete`, which is what the
 * inspector signed off, whatever happened to the inspection row since.
 */
@Injectable()
export class InspectionReportsReader implements InspectionReports {
  constructor(private readonly dataSource: DataSource) {}

  async completedReport(
    itemId: string,
    inspectionId: string | null,
  ): Promise<CompletedInspection | null> {
    const rows = await this.dataSource.query<
      Array<{ entity_id: string; data: Record<string, unknown> }>
    >(
      `SELECT entity_id, data FROM item_events
        WHERE item_id = $1 AND type = 'Inspection.complete' AND ($2::uuid IS NULL OR entity_id = $2)
        ORDER BY seq DESC LIMIT 1`,
      [itemId, inspectionId],
    );
    const row = rows[0];
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
    const rows = await manager.query<
      Array<{ id: string; item_id: string; km: number; completed_at: Date }>
    >(
      `SELECT i.id, i.item_id, (i.answers->>'odometer_km')::numeric::int AS km, i.completed_at
         FROM inspections i JOIN items it ON it.id = i.item_id
        WHERE it.vin = $1 AND i.state IN ('COMPLETED', 'SUPERSEDED')
          AND i.completed_at IS NOT NULL AND jsonb_typeof(i.answers->'odometer_km') = 'number'`,
      [vin],
    );
    return rows.map((r) => ({
      inspectionId: r.id,
      itemId: r.item_id,
      km: r.km,
      completedAt: new Date(r.completed_at),
    }));
  }

  async latestForVin(manager: EntityManager, vin: string): Promise<VehicleInspection | null> {
    const [row] = await manager.query<
      Array<{
        id: string;
        answers: Record<string, unknown> | null;
        report: { sections?: Array<{ id: string; points: number }> } | null;
        completed_at: Date;
      }>
    >(
      `SELECT i.id, i.answers, i.report, i.completed_at FROM inspections i JOIN items it ON it.id = i.item_id
        WHERE it.vin = $1 AND i.state = 'COMPLETED' AND i.answers IS NOT NULL
        ORDER BY i.completed_at DESC NULLS LAST LIMIT 1`,
      [vin],
    );
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
    InspectionReportsReader,
    { provide: INSPECTION_REPORTS, useExisting: InspectionReportsReader },
  ],
  exports: [INSPECTION_REPORTS],
})
export class InspectionReportsModule {}
