/**
 * The pickup promise: which local date and window a courier will come, given the order time,
 * the area's cut-off and the capacity already booked (spec §1 pickup SLA).
 */
import { pick } from '../../core/pick.js';
import type { ServiceArea } from './service-area.js';
import { addDaysIso, localParts, zonedTimeToUtc } from './time-zone.js';

export { localParts, zonedTimeToUtc } from './time-zone.js';

/** Pickups already booked in an area for a local date and window index. */
export type BookedCounts = (dateISO: string, windowIndex: number) => number;

export interface PickupPromise {
  /** Local date of the pickup in the area's time zone, `YYYY-MM-DD`. */
  date: string;
  windowIndex: number;
  /** Window start as a UTC instant. */
  windowStart: Date;
  windowEnd: Date;
  /** True when the pickup is on the (local) day of the order. */
  sameDay: boolean;
}

/** A bookable window with how many places are left in it. */
export interface PickupOption extends PickupPromise {
  remaining: number;
}

export interface PromiseOptions {
  /** Overrides the area's `minLeadMinutes`. */
  minLeadMinutes?: number;
}

/** No window with capacity within the area's booking horizon. Map to 409/503 at the edge. */
export class NoPickupCapacityError extends Error {
  constructor(
    readonly cityCode: string,
    readonly fromDate: string,
    readonly toDate: string,
  ) {
    super(`No pickup capacity in ${cityCode} from ${fromDate} to ${toDate}`);
    this.name = 'NoPickupCapacityError';
  }
}

/** Whether an order at `orderedAt` is before the area's cut-off on its local day. */
export function isBeforeCutoff(area: ServiceArea, orderedAt: Date): boolean {
  return localParts(orderedAt, area.timeZone).minutesOfDay < area.cutoffHour * 60;
}

/**
 * Every window an order placed at `orderedAt` may be booked into, earliest first, with the
 * places left. The rules:
 * - same-day windows only if the area offers same day and the order is before the local cut-off;
 * - otherwise from the next local day, up to `bookingDaysAhead` days after the order date;
 * - a window must start at least the lead time after the order (never in the past);
 * - a window with nothing left is skipped (the booking rolls to the next one).
 */
export function pickupOptions(
  area: ServiceArea,
  orderedAt: Date,
  booked: BookedCounts,
  options: PromiseOptions = {},
): PickupOption[] {
  return [...iterateOptions(area, orderedAt, booked, options)];
}

// A generator so that promisePickup stops at the first free window instead of converting every
// window of the horizon (each conversion costs a few Intl calls).
function* iterateOptions(
  area: ServiceArea,
  orderedAt: Date,
  booked: BookedCounts,
  options: PromiseOptions,
  checkCapacity = true,
): Generator<PickupOption> {
  const local = localParts(orderedAt, area.timeZone);
  const lead = options.minLeadMinutes ?? area.minLeadMinutes;
  const earliestStart = orderedAt.getTime() + lead * 60_000;
  const firstDay = area.sameDay && local.minutesOfDay < area.cutoffHour * 60 ? 0 : 1;
  for (let offset = firstDay; offset <= area.bookingDaysAhead; offset++) {
    const date = addDaysIso(local.date, offset);
    for (let windowIndex = 0; windowIndex < area.windows.length; windowIndex++) {
      const w = area.windows[windowIndex];
      const windowStart = zonedTimeToUtc(date, w.start, area.timeZone);
      if (windowStart.getTime() < earliestStart) continue;
      const remaining = w.capacity - booked(date, windowIndex);
      if (checkCapacity && remaining <= 0) continue;
      const windowEnd = zonedTimeToUtc(date, w.end, area.timeZone);
      yield { date, windowIndex, windowStart, windowEnd, sameDay: offset === 0, remaining };
    }
  }
}

/** The option without its places left: what is promised. */
function toPromise(o: PickupOption): PickupPromise {
  return pick(o, ['date', 'windowIndex', 'windowStart', 'windowEnd', 'sameDay']);
}

/**
 * The promised pickup: the earliest window of {@link pickupOptions}.
 * Also usable to reschedule after a failed attempt (pass the failure time as `orderedAt`).
 * @throws NoPickupCapacityError when every window in the booking horizon is full.
 */
export function promisePickup(
  area: ServiceArea,
  orderedAt: Date,
  bookedCountsByWindow: BookedCounts,
  options: PromiseOptions = {},
): PickupPromise {
  const first = iterateOptions(area, orderedAt, bookedCountsByWindow, options).next();
  if (first.done) {
    const today = localParts(orderedAt, area.timeZone).date;
    throw new NoPickupCapacityError(area.cityCode, today, addDaysIso(today, area.bookingDaysAhead));
  }
  return toPromise(first.value);
}

/**
 * Whether a specific (date, window) may be booked at `now` — for an owner choosing a later
 * window, or an admin rescheduling by hand. Returns the reason when not.
 */
export function checkWindowBookable(
  area: ServiceArea,
  now: Date,
  date: string,
  windowIndex: number,
  booked: BookedCounts,
  options: PromiseOptions = {},
):
  | { ok: true; promise: PickupPromise }
  | { ok: false; reason: 'no-such-window' | 'not-bookable' | 'full' } {
  if (!Number.isInteger(windowIndex) || windowIndex < 0 || windowIndex >= area.windows.length) {
    return { ok: false, reason: 'no-such-window' };
  }
  // Evaluate the timing rules with nothing booked, then capacity separately, to tell
  // "too early / too late / past cut-off" apart from "full".
  let match: PickupOption | undefined;
  for (const o of iterateOptions(area, now, booked, options, false)) {
    if (o.date === date && o.windowIndex === windowIndex) {
      match = o;
      break;
    }
  }
  if (!match) return { ok: false, reason: 'not-bookable' };
  if (area.windows[windowIndex].capacity - booked(date, windowIndex) <= 0) {
    return { ok: false, reason: 'full' };
  }
  return { ok: true, promise: toPromise(match) };
}
