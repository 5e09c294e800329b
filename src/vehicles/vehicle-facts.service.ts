import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  INSPECTION_REPORTS,
  type InspectionReports,
} from '../core/read-models/inspection-reports.js';
import type {
  PublicMileageFlag,
  TransferStatus,
  VehicleFacts,
  VehicleSummary,
  VinCheck,
} from '../core/read-models/vehicle-facts.js';
import {
  conditionReport,
  type VehicleConditionReport,
} from '../catalog/standards/vehicle-condition.js';
import { decodeVin, validateVin } from './domain/vin.js';
import { readTransferStatus } from './data/paperwork.repository.js';
import type { Vehicle } from './data/vehicle.entities.js';
import { VehicleRepository } from './data/vehicle.repository.js';

/**
 * What other stages may read about a vehicle (the VehicleFacts read model, provided under
 * VEHICLE_FACTS): the public summary with its mileage flag for tracking and resale, the flag on
 * the grading bench, whether a car sale's ownership transfer is done (the resale guard), and the
 * VIN check of a trade-in. It never changes anything.
 */
@Injectable()
export class VehicleFactsService implements VehicleFacts {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(INSPECTION_REPORTS) private readonly inspections: InspectionReports,
    private readonly vehicles: VehicleRepository,
  ) {}

  checkVin(input: string): VinCheck {
    const { valid, vin, error } = validateVin(input);
    return { valid, vin, error };
  }

  /** The latest completed inspection of any item with this VIN, as a GB/T 30323 report. */
  async latestCondition(
    vin: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<(VehicleConditionReport & { inspectionId: string; completedAt: Date }) | null> {
    const inspection = await this.inspections.latestForVin(manager, vin);
    // Version 2 reports carry the section points the engine computed from the items.
    const report = inspection ? conditionReport(inspection.answers, inspection.sections) : null;
    return report && inspection
      ? { ...report, inspectionId: inspection.inspectionId, completedAt: inspection.completedAt }
      : null;
  }

  async summaryByVin(vin: string): Promise<VehicleSummary | null> {
    const v = await this.vehicles.byVin(vin);
    const c = await this.latestCondition(vin);
    if (!v) return c ? notAssessed(vin, c) : null;
    return {
      vin: v.vin,
      modelYear: v.modelYear,
      region: v.region,
      country: v.country,
      registrationCity: v.registrationCityName,
      firstRegisteredOn: v.firstRegisteredOn,
      use: v.use,
      mileageFlag: publicFlag(v),
      condition: c ? conditionSummary(c) : null,
    };
  }

  /** The public summary of the car with this VIN (null when never looked at). */
  async publicSummary(vin: string): Promise<VehicleSummary | null> {
    const summary = await this.summaryByVin(vin);
    // The public passport is found by trace code: it shows the car, not the serial of its VIN.
    return summary ? { ...summary, vin: `${summary.vin.slice(0, 11)}******` } : null;
  }

  /**
   * The mileage flag with its evidence (kind and message: no person, dealer or work order) of
   * each car among these items, by item id; items without a VIN are left out. For the grading
   * bench, support, listings — everywhere a person decides about the car.
   */
  async flagsForItems(
    itemIds: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, { vin: string; mileageFlag: PublicMileageFlag }>> {
    const out = new Map<string, { vin: string; mileageFlag: PublicMileageFlag }>();
    if (itemIds.length === 0) return out;
    const rows = await this.vehicles.carItems(manager, itemIds);
    if (rows.length === 0) return out;
    const vehicles = await this.vehicles.byVins(manager, [...new Set(rows.map((r) => r.vin))]);
    const byVin = new Map(vehicles.map((v) => [v.vin, v]));
    for (const r of rows) {
      const v = byVin.get(r.vin);
      out.set(r.id, {
        vin: r.vin,
        mileageFlag: v
          ? publicFlag(v)
          : {
              status: 'not-assessed',
              flagged: false,
              evidence: [],
              credibleKm: null,
              flaggedAt: null,
            },
      });
    }
    return out;
  }

  /** Whether a sale's ownership transfer is done (see `readTransferStatus`). */
  transferStatus(
    saleOrderId: string,
    itemIds: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<TransferStatus> {
    return readTransferStatus(manager, saleOrderId, itemIds);
  }
}

function conditionSummary(c: VehicleConditionReport): VehicleSummary['condition'] {
  return {
    score: c.score,
    level: c.level,
    levelName: c.levelName,
    levelNameZh: c.levelNameZh,
    accidentGrade: c.accidentGrade,
    accidentGradeLabel: c.accidentGradeLabel,
  };
}

/** A car inspected but whose history nobody has assessed yet: what its VIN and inspection say. */
function notAssessed(vin: string, c: VehicleConditionReport): VehicleSummary {
  const d = validateVin(vin).valid ? decodeVin(vin) : null;
  return {
    vin,
    modelYear: d?.modelYear.year ?? null,
    region: d?.region ?? null,
    country: d?.country ?? null,
    registrationCity: null,
    firstRegisteredOn: null,
    use: 'private',
    mileageFlag: {
      status: 'not-assessed',
      flagged: false,
      evidence: [],
      credibleKm: null,
      flaggedAt: null,
    },
    condition: conditionSummary(c),
  };
}

export function publicFlag(v: Vehicle): PublicMileageFlag {
  return {
    status: v.mileageStatus,
    flagged: v.mileageStatus !== 'clear',
    evidence: v.mileageEvidence.map((e) => ({ kind: e.kind, message: e.message })),
    credibleKm: v.credibleKm,
    flaggedAt: v.flaggedAt ? v.flaggedAt.toISOString() : null,
  };
}
