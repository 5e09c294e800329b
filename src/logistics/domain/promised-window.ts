import type { PickupPromise } from '../../service-areas/engine/promise.js';
import { localParts } from '../../service-areas/engine/time-zone.js';

/** A promise's columns on the pickup row. */
export function promiseColumns(promise: PickupPromise) {
  return {
    promisedDate: promise.date,
    windowIndex: promise.windowIndex,
    windowStart: promise.windowStart,
    windowEnd: promise.windowEnd,
    sameDay: promise.sameDay,
  };
}

/** The promised window as ISO instants, plus its local reading for people. */
export function windowOf(p: {
  windowStart: Date;
  windowEnd: Date;
  promisedDate: string;
  timeZone: string;
}) {
  return {
    start: p.windowStart.toISOString(),
    end: p.windowEnd.toISOString(),
    localDate: p.promisedDate,
    local: `${localParts(p.windowStart, p.timeZone).time}–${localParts(p.windowEnd, p.timeZone).time}`,
    timeZone: p.timeZone,
  };
}
