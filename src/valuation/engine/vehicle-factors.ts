// Vehicle-specific valuation factors for the engine's `extraFactors` hook: pure (the regional
// table is read from config/ once, when the module loads). They live in the valuation engine (a
// reference every stage may consult) so that a trade-in quote and the vehicles module price a
// car the same way.
import { operatorData } from '../../config/operator-data.js';
import type { ExtraFactor } from './types.js';

export const VEHICLE_USES = ['private', 'taxi', 'ride-hailing', 'rental', 'commercial'] as const;
export type VehicleUse = (typeof VEHICLE_USES)[number];
/** GB/T 30323-2013 technical condition level (1 best … 5 accident vehicle). */
export type ConditionLevel = 1 | 2 | 3 | 4 | 5;

/** What a private car runs in China in a typical year. */
export const EXPECTED_KM_PER_YEAR: Readonly<Record<VehicleUse, number>> = {
  private: 15_000,
  rental: 40_000,
  commercial: 50_000,
  'ride-hailing': 70_000,
  taxi: 100_000,
};
/** Each 10 000 km over what the age explains costs 3 %; under it, adds 1.5 % (buyers pay less for low km than they take off for high). */
const PER_10K_OVER = 0.03;
const PER_10K_UNDER = 0.015;
const MILEAGE_FACTOR_RANGE = [0.55, 1.1] as const;
/** Taxi / ride-hailing history: buyers discount it whatever the mileage. */
const USE_FACTORS: Readonly<Record<VehicleUse, number>> = {
  private: 1,
  rental: 0.95,
  commercial: 0.93,
  'ride-hailing': 0.88,
  taxi: 0.85,
};

/** `config/regional-factors.yaml` as its schema describes it. */
export interface RegionalFactorsFile {
  /** By the plate's province character; a province not listed is 1. */
  vehicles: Record<string, number>;
}

/**
 * Regional demand relative to the national market, by plate province: operator data read from
 * `config/regional-factors.yaml` (issue 20 point 4), checked against its schema when loaded.
 */
export const REGION_FACTORS: Readonly<Record<string, number>> =
  operatorData<RegionalFactorsFile>('regional-factors').vehicles;

export interface VehiclePricingFacts {
  ageYears: number;
  /** The highest credible odometer reading (never the rolled-back one). */
  km: number | null;
  use: VehicleUse;
  /** GB/T 30323 level and accident history from the latest inspection, if any. */
  level: ConditionLevel | null;
  /** 'structural_repair' is the one that moves the price here. */
  accidentHistory: string | null;
  /** Plate province character (registration region). */
  province: string | null;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * The factors, each with a label a customer can read. Mileage is judged against what the
 * car's age and use explain, so an old car with normal mileage is not punished twice (age
 * depreciation already covers it).
 */
export function vehicleFactors(f: VehiclePricingFacts): ExtraFactor[] {
  const out: ExtraFactor[] = [];
  if (f.km !== null) {
    const expected = EXPECTED_KM_PER_YEAR.private * Math.max(0.25, f.ageYears);
    const diff10k = (f.km - expected) / 10_000;
    const raw = diff10k > 0 ? 1 - PER_10K_OVER * diff10k : 1 - PER_10K_UNDER * diff10k;
    const factor = round3(
      Math.min(MILEAGE_FACTOR_RANGE[1], Math.max(MILEAGE_FACTOR_RANGE[0], raw)),
    );
    out.push({
      code: 'mileage',
      label: `Mileage ${f.km.toLocaleString('en-US')} km (${Math.round(expected).toLocaleString('en-US')} km expected for ${f.ageYears.toFixed(1)} years)`,
      factor,
    });
  }
  if (f.use !== 'private') {
    out.push({ code: 'use', label: `Former ${f.use} use`, factor: USE_FACTORS[f.use] });
  }
  if (f.level !== null) {
    // The grade multiplier already separates premium / good / scrap; the level refines "good".
    const factor =
      f.level === 3 ? 0.9 : f.level === 5 && f.accidentHistory === 'structural_repair' ? 0.8 : 1;
    if (factor !== 1) {
      const label =
        f.level === 5
          ? 'Accident vehicle (structural repair), GB/T 30323 level 5'
          : `GB/T 30323 level ${f.level}`;
      out.push({ code: 'condition-level', label, factor });
    }
  }
  const region = f.province ? REGION_FACTORS[f.province] : undefined;
  if (region !== undefined && region !== 1) {
    out.push({
      code: 'region',
      label: `Registered in ${f.province} (regional demand)`,
      factor: region,
    });
  }
  return out;
}
