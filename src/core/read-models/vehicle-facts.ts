import type { EntityManager } from 'typeorm';

/**
 * What other stages may read about a car (issue 20: a read model the producer owns, published
 * through core). The vehicles stage implements it and provides it under VEHICLE_FACTS; acquisition,
 * grading, resale and tracking inject it and never import the vehicles stage. Read-only.
 */
export const VEHICLE_FACTS = Symbol('VehicleFacts');

export interface VehicleFacts {
  /** ISO 3779 check of a VIN as typed by a person; `vin` is the normalised form. */
  checkVin(input: string): VinCheck;
  /**
   * The public summary of the car with this VIN (an item's `vin`; null when never looked at),
   * the VIN itself masked: the passport shows the car, not its serial.
   */
  publicSummary(vin: string): Promise<VehicleSummary | null>;
  /** The mileage flag of each car among these items, by item id; items without a VIN left out. */
  flagsForItems(
    itemIds: readonly string[],
    manager?: EntityManager,
  ): Promise<Map<string, { vin: string; mileageFlag: PublicMileageFlag }>>;
  /** Whether a sale's ownership transfer is done (inside the caller's transaction if given). */
  transferStatus(
    saleOrderId: string,
    itemIds: readonly string[],
    manager?: EntityManager,
  ): Promise<TransferStatus>;
}

export interface VinCheck {
  valid: boolean;
  vin: string;
  error: string | null;
}

export interface PublicMileageFlag {
  /** 'not-assessed': nobody has looked at this car's history yet. */
  status: 'clear' | 'rollback-suspected' | 'implausible' | 'not-assessed';
  flagged: boolean;
  /** What was found, without personal data or dealer references. */
  evidence: Array<{ kind: 'rollback' | 'implausible-high' | 'implausible-low'; message: string }>;
  credibleKm: number | null;
  flaggedAt: string | null;
}

export interface VehicleSummary {
  vin: string;
  modelYear: number | null;
  region: string | null;
  country: string | null;
  registrationCity: string | null;
  firstRegisteredOn: string | null;
  use: 'private' | 'commercial' | 'taxi' | 'ride-hailing' | 'rental';
  mileageFlag: PublicMileageFlag;
  /** The GB/T 30323 level and accident grade of the latest completed inspection. */
  condition: {
    score: number;
    level: 1 | 2 | 3 | 4 | 5;
    levelName: string;
    levelNameZh: string;
    accidentGrade: 'A' | 'B' | 'C' | 'D';
    accidentGradeLabel: string;
  } | null;
}

export interface TransferStatus {
  /** The sale is of a car: its ownership transfer must be done before the sale is complete. */
  required: boolean;
  done: boolean;
  tasks: Array<{ id: string; kind: string; state: string }>;
}
