// Mileage history and odometer-rollback detection ("调表"): pure functions, no I/O.
import type { VehicleUse } from '../../valuation/engine/vehicle-factors.js';

export const MILEAGE_SOURCES = [
  'owner-declaration',
  'inspection',
  'dealer-maintenance',
  'listing',
] as const;
export type MileageSource = (typeof MILEAGE_SOURCES)[number];

export type Trust = 'high' | 'medium' | 'low';

/**
 * How far each source is trusted. A dealer writes the odometer into a service record the owner
 * cannot edit, and our inspector reads it himself: high. An earlier listing was someone's claim
 * that buyers saw: medium. What the owner types now is what a fraudster would change: low.
 */
export const SOURCE_TRUST: Readonly<Record<MileageSource, Trust>> = {
  'dealer-maintenance': 'high',
  inspection: 'high',
  listing: 'medium',
  'owner-declaration': 'low',
};

export { VEHICLE_USES, type VehicleUse } from '../../valuation/engine/vehicle-factors.js';

/** Plausible yearly km per use: above `max` is implausible; below `min` suspicious for hard use. */
export const YEARLY_KM: Readonly<Record<VehicleUse, { max: number; min: number | null }>> = {
  private: { max: 60_000, min: null },
  rental: { max: 80_000, min: null },
  commercial: { max: 100_000, min: null },
  // A taxi runs two shifts: 100 000+ km a year; under 30 000 means the odometer was wound back.
  taxi: { max: 200_000, min: 30_000 },
  'ride-hailing': { max: 150_000, min: 25_000 },
};

export interface MileageReading {
  id?: string;
  km: number;
  /** The day the odometer showed `km` (YYYY-MM-DD or a Date). */
  readOn: Date;
  source: MileageSource;
  trust?: Trust;
  /** Free reference: the dealer and work order, the inspection id, the listing. */
  sourceRef?: string | null;
}

export type MileageEvidence =
  | {
      kind: 'rollback';
      message: string;
      earlier: EvidenceReading;
      later: EvidenceReading;
      dropKm: number;
    }
  | {
      kind: 'implausible-high' | 'implausible-low';
      message: string;
      yearlyKm: number;
      limitKm: number;
      ageYears: number;
      reading: EvidenceReading;
    };

export interface EvidenceReading {
  id: string | null;
  km: number;
  readOn: string;
  source: MileageSource;
  trust: Trust;
  sourceRef: string | null;
}

export interface MileageAssessment {
  status: 'clear' | 'rollback-suspected' | 'implausible';
  flagged: boolean;
  evidence: MileageEvidence[];
  /** The highest credible odometer value: what valuation should price (never the rolled-back one). */
  credibleKm: number | null;
  /** The newest reading of any source. */
  latestKm: number | null;
  yearlyKm: number | null;
  /** 0..1 for ValuationService: a flag makes the price less certain, not lower by itself. */
  confidencePenalty: number;
}

/** A dealer typo or an instrument cluster swap can differ slightly; below this is not a rollback. */
export const ROLLBACK_TOLERANCE_KM = 500;
/** Yearly rates over less than this are noise (a car a month old). */
const MIN_AGE_YEARS = 0.5;
const MS_PER_YEAR = 365.25 * 86_400_000;
const TRUST_RANK: Readonly<Record<Trust, number>> = { low: 0, medium: 1, high: 2 };

function toEvidence(r: MileageReading): EvidenceReading {
  return {
    id: r.id ?? null,
    km: r.km,
    readOn: r.readOn.toISOString().slice(0, 10),
    source: r.source,
    trust: r.trust ?? SOURCE_TRUST[r.source],
    sourceRef: r.sourceRef ?? null,
  };
}

/**
 * Rollback detection: every reading is compared with the highest earlier reading from a source
 * trusted at least `medium`; a drop of more than the tolerance is a rollback, with both readings
 * as evidence. Then the yearly mileage since first registration, from the highest credible
 * reading, is checked against what the car's use makes plausible.
 */
export function assessMileage(
  readings: readonly MileageReading[],
  car: { firstRegisteredOn: Date | null; use: VehicleUse },
): MileageAssessment {
  const sorted = [...readings]
    .filter((r) => Number.isFinite(r.km) && r.km >= 0)
    .sort((a, b) => a.readOn.getTime() - b.readOn.getTime() || a.km - b.km);
  const evidence: MileageEvidence[] = [];
  let maxTrusted: MileageReading | null = null;
  for (const r of sorted) {
    if (maxTrusted && r.readOn.getTime() > maxTrusted.readOn.getTime()) {
      const drop = maxTrusted.km - r.km;
      if (drop > ROLLBACK_TOLERANCE_KM) {
        evidence.push({
          kind: 'rollback',
          message:
            `${r.source} on ${toEvidence(r).readOn} shows ${r.km} km, ${drop} km less than the ` +
            `${maxTrusted.source} record of ${toEvidence(maxTrusted).readOn} (${maxTrusted.km} km)`,
          earlier: toEvidence(maxTrusted),
          later: toEvidence(r),
          dropKm: drop,
        });
      }
    }
    const trust = r.trust ?? SOURCE_TRUST[r.source];
    if (TRUST_RANK[trust] >= TRUST_RANK.medium && (!maxTrusted || r.km > maxTrusted.km)) {
      maxTrusted = r;
    }
  }

  const latest = sorted[sorted.length - 1] ?? null;
  // The car went at least as far as its highest trusted record, whatever the dial says now.
  const credible =
    latest && maxTrusted ? (latest.km >= maxTrusted.km ? latest : maxTrusted) : latest;

  let yearlyKm: number | null = null;
  if (credible && car.firstRegisteredOn) {
    const ageYears = (credible.readOn.getTime() - car.firstRegisteredOn.getTime()) / MS_PER_YEAR;
    if (ageYears >= MIN_AGE_YEARS) {
      yearlyKm = Math.round(credible.km / ageYears);
      const limits = YEARLY_KM[car.use];
      const age = Math.round(ageYears * 10) / 10;
      if (yearlyKm > limits.max) {
        evidence.push({
          kind: 'implausible-high',
          message: `${yearlyKm} km a year over ${age} years is more than a ${car.use} car runs (${limits.max})`,
          yearlyKm,
          limitKm: limits.max,
          ageYears: age,
          reading: toEvidence(credible),
        });
      }
      if (limits.min !== null && latest && yearlyKm < limits.min) {
        evidence.push({
          kind: 'implausible-low',
          message: `${yearlyKm} km a year over ${age} years is too little for a ${car.use} car (at least ${limits.min})`,
          yearlyKm,
          limitKm: limits.min,
          ageYears: age,
          reading: toEvidence(latest),
        });
      }
    }
  }

  const rollback = evidence.some((e) => e.kind === 'rollback');
  const implausible = evidence.length > 0 && !rollback;
  return {
    status: rollback ? 'rollback-suspected' : implausible ? 'implausible' : 'clear',
    flagged: evidence.length > 0,
    evidence,
    credibleKm: credible?.km ?? null,
    latestKm: latest?.km ?? null,
    yearlyKm,
    confidencePenalty: rollback ? 0.4 : implausible ? 0.2 : 0,
  };
}

// ---- dealer record import ---------------------------------------------------------------------

export interface DealerRecord {
  vin: string;
  km: number;
  readOn: Date;
  dealer: string;
  workOrder: string;
}

export interface ImportProblem {
  row: number;
  field: string;
  message: string;
}

const CSV_HEADER = ['vin', 'date', 'km', 'dealer', 'work_order'] as const;

/**
 * Parses dealer service records, CSV (`vin,date,km,dealer,work_order` with a header) or already
 * structured rows. Problems are listed per row and field; nothing is imported when any exist.
 */
export function parseDealerRecords(input: string | ReadonlyArray<Record<string, unknown>>): {
  records: DealerRecord[];
  problems: ImportProblem[];
} {
  let rows: Array<Record<string, unknown>>;
  const problems: ImportProblem[] = [];
  if (typeof input === 'string') {
    const lines = input
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
    const header = (lines.shift() ?? '').split(',').map((h) => h.trim().toLowerCase());
    const missing = CSV_HEADER.filter((h) => !header.includes(h));
    if (missing.length > 0) {
      return {
        records: [],
        problems: [{ row: 0, field: 'header', message: `missing column(s) ${missing.join(', ')}` }],
      };
    }
    rows = lines.map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']));
    });
  } else {
    rows = input.map((r) => ({ ...r }));
  }
  const records: DealerRecord[] = [];
  rows.forEach((r, i) => {
    const row = i + 1;
    const vin = typeof r.vin === 'string' ? r.vin.replace(/[\s-]/g, '').toUpperCase() : '';
    const km = typeof r.km === 'number' ? r.km : Number(r.km);
    const dateText = typeof r.date === 'string' ? r.date : '';
    const readOn = /^\d{4}-\d{2}-\d{2}$/.test(dateText) ? new Date(`${dateText}T00:00:00Z`) : null;
    const dealer = typeof r.dealer === 'string' ? r.dealer.trim() : '';
    const workOrder =
      typeof r.work_order === 'string'
        ? r.work_order.trim()
        : typeof r.workOrder === 'string'
          ? r.workOrder.trim()
          : '';
    const before = problems.length;
    if (vin.length !== 17)
      problems.push({ row, field: 'vin', message: 'must be a 17-character VIN' });
    if (!Number.isInteger(km) || km < 0 || km > 3_000_000) {
      problems.push({ row, field: 'km', message: 'must be a whole number of km' });
    }
    if (!readOn || Number.isNaN(readOn.getTime())) {
      problems.push({ row, field: 'date', message: 'must be a date YYYY-MM-DD' });
    }
    if (!dealer) problems.push({ row, field: 'dealer', message: 'is required' });
    if (!workOrder) problems.push({ row, field: 'work_order', message: 'is required' });
    if (problems.length === before && readOn) {
      records.push({
        vin,
        km,
        readOn,
        dealer: dealer.slice(0, 200),
        workOrder: workOrder.slice(0, 100),
      });
    }
  });
  return { records, problems };
}
