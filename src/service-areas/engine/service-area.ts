/**
 * Service areas: the cities (and their districts) where couriers collect items, with the local
 * rules of the pickup SLA (spec §1: same day before the 15:00 local cut-off, next day after).
 */
import { isValidTimeZone, parseLocalTime } from './time-zone.js';

export const DEFAULT_CUTOFF_HOUR = 15;
/** A promised window must start at least this long after the order (time to route a courier). */
export const DEFAULT_MIN_LEAD_MINUTES = 60;
export const DEFAULT_BOOKING_DAYS_AHEAD = 7;

export interface District {
  /** Administrative code, e.g. GB/T 2260 `110105` (Chaoyang, Beijing). Unique across all areas. */
  code: string;
  /** English/pinyin name. */
  name: string;
  /** Chinese name, for display and address matching. */
  nameZh?: string;
}

/** A pickup slot in local time of the area, e.g. 09:00–11:00, and how many pickups it takes. */
export interface PickupWindow {
  /** Local start, `HH:MM`. */
  start: string;
  /** Local end, `HH:MM` (or `24:00`), after `start`. */
  end: string;
  /** Pickups the area can take in this window per day (sum over its couriers). */
  capacity: number;
}

export interface ServiceArea {
  /** City code, e.g. GB/T 2260 `110100`; also the area's code. */
  cityCode: string;
  cityName: string;
  cityNameZh?: string;
  districts: readonly District[];
  /** IANA time zone in which the cut-off and windows are read. */
  timeZone: string;
  /** Local hour (0–23) at which same-day ordering closes: 14:59 → same day, 15:00 → next day. */
  cutoffHour: number;
  /** Whether same-day pickup is offered at all (some cities are next-day only). */
  sameDay: boolean;
  /** Windows in chronological order, non-overlapping. Their index is stable and stored. */
  windows: readonly PickupWindow[];
  /** How many days after the order date a pickup may be booked (>= 1). */
  bookingDaysAhead: number;
  /** Minimum minutes between the order and the start of a promised window. */
  minLeadMinutes: number;
}

/** What a caller must give; defaults fill the rest. */
export type ServiceAreaInput = Omit<
  ServiceArea,
  'cutoffHour' | 'bookingDaysAhead' | 'minLeadMinutes'
> & {
  cutoffHour?: number;
  bookingDaysAhead?: number;
  minLeadMinutes?: number;
};

/** The usual five two-hour windows, 09:00–19:00 local, with one capacity for all. */
export function standardWindows(capacity: number): PickupWindow[] {
  return [
    { start: '09:00', end: '11:00', capacity },
    { start: '11:00', end: '13:00', capacity },
    { start: '13:00', end: '15:00', capacity },
    { start: '15:00', end: '17:00', capacity },
    { start: '17:00', end: '19:00', capacity },
  ];
}

function windowEndMinutes(end: string): number {
  return end === '24:00' ? 24 * 60 : parseLocalTime(end);
}

/** Lists what is wrong with an area (empty when valid). Pure; never throws. */
export function validateServiceArea(area: ServiceArea): string[] {
  const problems: string[] = [];
  if (!area.cityCode.trim()) problems.push('cityCode is required');
  if (!area.cityName.trim()) problems.push('cityName is required');
  if (!isValidTimeZone(area.timeZone)) problems.push(`unknown time zone "${area.timeZone}"`);
  if (!Number.isInteger(area.cutoffHour) || area.cutoffHour < 0 || area.cutoffHour > 23) {
    problems.push('cutoffHour must be an integer 0–23');
  }
  if (!Number.isInteger(area.bookingDaysAhead) || area.bookingDaysAhead < 1) {
    problems.push('bookingDaysAhead must be an integer >= 1');
  }
  if (!Number.isInteger(area.minLeadMinutes) || area.minLeadMinutes < 0) {
    problems.push('minLeadMinutes must be an integer >= 0');
  }
  if (area.districts.length === 0) problems.push('at least one district is required');
  const seen = new Set<string>();
  for (const d of area.districts) {
    if (!d.code.trim() || !d.name.trim()) problems.push('district code and name are required');
    if (seen.has(d.code)) problems.push(`duplicate district code ${d.code}`);
    seen.add(d.code);
  }
  if (area.windows.length === 0) problems.push('at least one pickup window is required');
  let previousEnd = -1;
  area.windows.forEach((w, i) => {
    let start: number;
    let end: number;
    try {
      start = parseLocalTime(w.start);
      end = windowEndMinutes(w.end);
    } catch (e) {
      problems.push(`window ${i}: ${(e as Error).message}`);
      return;
    }
    if (end <= start) problems.push(`window ${i}: end must be after start`);
    if (start < previousEnd) problems.push(`window ${i}: overlaps or is out of order`);
    if (!Number.isInteger(w.capacity) || w.capacity < 0) {
      problems.push(`window ${i}: capacity must be an integer >= 0`);
    }
    previousEnd = end;
  });
  return problems;
}

/** Builds an area with defaults (cut-off 15, 7 days ahead, 60 min lead) and validates it. */
export function defineServiceArea(input: ServiceAreaInput): ServiceArea {
  const area: ServiceArea = {
    ...input,
    cutoffHour: input.cutoffHour ?? DEFAULT_CUTOFF_HOUR,
    bookingDaysAhead: input.bookingDaysAhead ?? DEFAULT_BOOKING_DAYS_AHEAD,
    minLeadMinutes: input.minLeadMinutes ?? DEFAULT_MIN_LEAD_MINUTES,
  };
  const problems = validateServiceArea(area);
  if (problems.length > 0) {
    throw new RangeError(`Invalid service area ${input.cityCode}: ${problems.join('; ')}`);
  }
  return area;
}

/** Checks a set of areas together: each valid, city codes and district codes unique overall. */
export function validateServiceAreas(areas: readonly ServiceArea[]): string[] {
  const problems: string[] = [];
  const cities = new Set<string>();
  const districts = new Map<string, string>();
  for (const area of areas) {
    for (const p of validateServiceArea(area)) problems.push(`${area.cityCode}: ${p}`);
    if (cities.has(area.cityCode)) problems.push(`duplicate city code ${area.cityCode}`);
    cities.add(area.cityCode);
    for (const d of area.districts) {
      const other = districts.get(d.code);
      if (other !== undefined && other !== area.cityCode) {
        problems.push(`district ${d.code} is in both ${other} and ${area.cityCode}`);
      }
      districts.set(d.code, area.cityCode);
    }
  }
  return problems;
}
