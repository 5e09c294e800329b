/**
 * Small time-zone helpers on top of the built-in Intl API (no tz library).
 *
 * Why: the pickup SLA is defined in the *local* time of a service area (15:00 cut-off, 09:00–11:00
 * windows), while we store and compare instants in UTC. These helpers convert between the two,
 * including areas whose offset changes (DST), so the same code works for any IANA zone.
 */

/** Local calendar/clock parts of an instant in a time zone. */
export interface LocalParts {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  /** Local wall-clock time, `HH:MM`. */
  time: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes since local midnight (0–1439). */
  minutesOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what we want.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone the runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** The local date and time of `date` in `timeZone`. */
export function localParts(date: Date, timeZone: string): LocalParts {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid date');
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(date)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const year = parts.year;
  const month = parts.month;
  const day = parts.day;
  // Some ICU versions render midnight as "24" even with h23; normalise.
  const hour = parts.hour % 24;
  const minute = parts.minute;
  const second = parts.second;
  return {
    date: isoDate(year, month, day),
    time: `${pad2(hour)}:${pad2(minute)}`,
    year,
    month,
    day,
    hour,
    minute,
    second,
    minutesOfDay: hour * 60 + minute,
  };
}

/** Offset of `timeZone` from UTC at instant `epochMs`, in milliseconds (UTC+8 → 28 800 000). */
export function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000; // Intl has second precision
  const p = localParts(new Date(whole), timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses `YYYY-MM-DD`, rejecting impossible dates such as 2025-02-30. */
export function parseIsoDate(localDate: string): { year: number; month: number; day: number } {
  const m = DATE_RE.exec(localDate);
  if (!m) throw new RangeError(`Invalid local date "${localDate}" (expected YYYY-MM-DD)`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`Invalid local date "${localDate}"`);
  }
  return { year, month, day };
}

/** Parses `HH:MM` (00:00–23:59) into minutes since midnight. */
export function parseLocalTime(localTime: string): number {
  const m = TIME_RE.exec(localTime);
  if (!m) throw new RangeError(`Invalid local time "${localTime}" (expected HH:MM)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * The UTC instant at which the wall clock in `timeZone` shows `localDate` `localTime`.
 *
 * Ambiguity follows the usual "compatible" rule (as Temporal and most calendars do):
 * - a time that occurs twice (clocks go back) resolves to the earlier instant;
 * - a time that does not exist (clocks go forward) is pushed forward by the gap
 *   (02:30 on a spring-forward night in Berlin → 03:30 CEST).
 *
 * `localTime` may be `24:00`, meaning midnight at the end of `localDate`.
 */
export function zonedTimeToUtc(localDate: string, localTime: string, timeZone: string): Date {
  const { year, month, day } = parseIsoDate(localDate);
  const minutes = localTime === '24:00' ? 24 * 60 : parseLocalTime(localTime);
  // The wall-clock reading expressed as if it were UTC.
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const DAY = 86_400_000;
  // Offsets a day either side bracket any single transition near this wall time.
  const before = zoneOffsetMs(wall - DAY, timeZone);
  const after = zoneOffsetMs(wall + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((t) => wall - zoneOffsetMs(t, timeZone) === t)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]);
  // Nonexistent local time (a gap): apply the pre-transition offset, which lands after the gap.
  return new Date(wall - before);
}

/** Adds whole calendar days to a `YYYY-MM-DD` date (no time zone involved). */
export function addDaysIso(localDate: string, days: number): string {
  const { year, month, day } = parseIsoDate(localDate);
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}
