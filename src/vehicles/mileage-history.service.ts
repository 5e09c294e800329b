import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type CheckVehicleMileage,
  OpenSupportCase,
  VehicleMileageFlagged,
} from '../core/jobs/job-catalogue.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { assessMileage, type MileageAssessment, type MileageReading } from './domain/mileage.js';
import { decodeVin } from './domain/vin.js';
import type { MileageReadingRow, Vehicle } from './data/vehicle.entities.js';
import { type NewMileageReading, VehicleRepository } from './data/vehicle.repository.js';
import {
  INSPECTION_REPORTS,
  type InspectionReports,
} from '../core/read-models/inspection-reports.js';

export const dateOnly = (d: Date) => d.toISOString().slice(0, 10);
export const asDate = (s: string) => new Date(`${s}T00:00:00Z`);

/**
 * A car's row and its mileage history as the platform keeps it: readings other stages recorded
 * brought in, the history re-assessed, and a new flag sent on (a fraud-review case, the payouts
 * held) — on every change a person makes and on the CheckVehicleMileage job.
 */
@Injectable()
export class MileageHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly vehicles: VehicleRepository,
    @Inject(INSPECTION_REPORTS) private readonly inspections: InspectionReports,
  ) {}

  /** The vehicle row for a VIN, created from what the VIN says the first time it is needed. */
  async ensure(m: EntityManager, vin: string): Promise<Vehicle> {
    return this.vehicles.ensure(m, vin, () => {
      const d = decodeVin(vin);
      return {
        vin: d.vin,
        wmi: d.wmi,
        region: d.region,
        country: d.country,
        checkDigit: d.checkDigit === 'valid' ? 'valid' : 'not-applicable',
        modelYear: d.modelYear.year,
        modelYearResolvedBy: d.modelYear.resolvedBy,
        use: 'private',
        mileageStatus: 'clear',
        mileageEvidence: [],
      };
    });
  }

  async insertReadings(m: EntityManager, vin: string, rows: NewMileageReading[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.vehicles.insertReadings(m, vin, rows);
  }

  /**
   * Brings in the readings other stages recorded (the owner's declared mileage on a trade-in,
   * the odometer an inspector read) and re-assesses the history. Idempotent.
   */
  async refresh(m: EntityManager, vin: string): Promise<MileageAssessment> {
    const vehicle = await this.ensure(m, vin);
    const items = await this.vehicles.itemsOf(m, vin);
    const declared = items.flatMap((i) => {
      const km = i.declared_condition?.mileageKm;
      return typeof km === 'number' && Number.isInteger(km) && km >= 0
        ? [
            {
              km,
              readOn: dateOnly(i.created_at),
              source: 'owner-declaration' as const,
              sourceRef: `item:${i.trace_code}`,
              dedupeKey: `owner-declaration:item:${i.id}`,
              itemId: i.id,
              recordedBy: i.owner_id,
            },
          ]
        : [];
    });
    const inspected = await this.inspections.odometerReadings(m, vin);
    await this.insertReadings(m, vin, [
      ...declared,
      ...inspected.map((r) => ({
        km: r.km,
        readOn: dateOnly(r.completedAt),
        source: 'inspection' as const,
        sourceRef: `inspection:${r.inspectionId}`,
        dedupeKey: `inspection:${r.inspectionId}`,
        itemId: r.itemId,
        recordedBy: null,
      })),
    ]);

    const rows = await this.vehicles.readings(m, vin);
    const assessment = assessMileage(rows.map(toReading), {
      firstRegisteredOn: vehicle.firstRegisteredOn ? asDate(vehicle.firstRegisteredOn) : null,
      use: vehicle.use,
    });
    const newlyFlagged = assessment.flagged && vehicle.mileageStatus === 'clear';
    const flaggedAt = assessment.flagged ? (vehicle.flaggedAt ?? new Date()) : null;
    await this.vehicles.update(m, vehicle.id, {
      mileageStatus: assessment.status,
      mileageEvidence: assessment.evidence,
      credibleKm: assessment.credibleKm,
      latestKm: assessment.latestKm,
      yearlyKm: assessment.yearlyKm,
      flaggedAt,
    });
    if (newlyFlagged) {
      const live = items.filter(
        (i) => !['SOLD', 'RECYCLED', 'DESTROYED', 'CANCELLED'].includes(i.state),
      );
      await this.outbox.write(m, [
        // Whoever pays for this car holds the payout until a person decides.
        job(VehicleMileageFlagged, {
          vin,
          itemIds: live.map((i) => i.id),
          status: assessment.status,
          evidence: assessment.evidence.map((e) => ({ kind: e.kind, message: e.message })),
        }),
        job(OpenSupportCase, {
          kind: 'fraud-review',
          dedupeKey: `vehicle-mileage:${vin}:${assessment.status}`,
          summary: `Mileage ${assessment.status} for VIN ${vin}`,
          itemIds: live.map((i) => i.id),
          orderRef: null,
          customerId: live[live.length - 1]?.owner_id ?? null,
          detail: { vin, status: assessment.status, evidence: assessment.evidence },
        }),
      ]);
    }
    return assessment;
  }

  /**
   * CheckVehicleMileage (a trade-in declared the odometer, an inspection read it): re-assess,
   * and when the car is flagged tell acquisition to hold these items' payouts — also when the
   * flag predates them (a car rolled back before, traded in again).
   */
  async onCheckMileage(p: JobPayload<typeof CheckVehicleMileage>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const assessment = await this.refresh(m, p.vin);
      if (!assessment.flagged || p.itemIds.length === 0) return;
      await this.outbox.write(m, [
        job(VehicleMileageFlagged, {
          vin: p.vin,
          itemIds: p.itemIds,
          status: assessment.status,
          evidence: assessment.evidence.map((e) => ({ kind: e.kind, message: e.message })),
        }),
      ]);
    });
  }
}

function toReading(r: MileageReadingRow): MileageReading {
  return {
    id: r.id,
    km: r.km,
    readOn: asDate(r.readOn),
    source: r.source,
    trust: r.trust,
    sourceRef: r.sourceRef,
  };
}
