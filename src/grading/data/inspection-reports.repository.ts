import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';

/** The `Inspection.complete` event of an item, as core's history froze it. */
export interface CompletedInspectionEvent {
  entity_id: string;
  data: Record<string, unknown>;
}

/** A car's completed inspection, as the latest-report read returns it. */
export interface VehicleInspectionRow {
  id: string;
  answers: Record<string, unknown> | null;
  report: { sections?: Array<{ id: string; points: number }> } | null;
  completed_at: Date;
}

/** What grading's read model of completed inspections reads for other stages. */
@Injectable()
export class InspectionReportsRepository extends DataRepository {
  /** The latest `Inspection.complete` event of the item (of one inspection, when named). */
  async completedEvent(
    itemId: string,
    inspectionId: string | null,
  ): Promise<CompletedInspectionEvent | null> {
    const rows = await this.dataSource.query<CompletedInspectionEvent[]>(
      `SELECT entity_id, data FROM item_events
        WHERE item_id = $1 AND type = 'Inspection.complete' AND ($2::uuid IS NULL OR entity_id = $2)
        ORDER BY seq DESC LIMIT 1`,
      [itemId, inspectionId],
    );
    return rows[0] ?? null;
  }

  /** Odometer readings of the car's finished inspections (current and superseded). */
  odometerRows(
    manager: EntityManager,
    vin: string,
  ): Promise<Array<{ id: string; item_id: string; km: number; completed_at: Date }>> {
    return manager.query<Array<{ id: string; item_id: string; km: number; completed_at: Date }>>(
      `SELECT i.id, i.item_id, (i.answers->>'odometer_km')::numeric::int AS km, i.completed_at
         FROM inspections i JOIN items it ON it.id = i.item_id
        WHERE it.vin = $1 AND i.state IN ('COMPLETED', 'SUPERSEDED')
          AND i.completed_at IS NOT NULL AND jsonb_typeof(i.answers->'odometer_km') = 'number'`,
      [vin],
    );
  }

  /** The car's latest completed inspection with answers. */
  async latestForVin(manager: EntityManager, vin: string): Promise<VehicleInspectionRow | null> {
    const [row] = await manager.query<VehicleInspectionRow[]>(
      `SELECT i.id, i.answers, i.report, i.completed_at FROM inspections i JOIN items it ON it.id = i.item_id
        WHERE it.vin = $1 AND i.state = 'COMPLETED' AND i.answers IS NOT NULL
        ORDER BY i.completed_at DESC NULLS LAST LIMIT 1`,
      [vin],
    );
    return row ?? null;
  }
}
