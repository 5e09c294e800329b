import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { addDaysIso, localParts } from '../service-areas/engine/time-zone.js';
import type { BookedCounts } from '../service-areas/engine/promise.js';
import type { ServiceArea } from '../service-areas/engine/service-area.js';

/** States that hold a place in an area's window (a cancelled pickup gives it back). */
export const BOOKING_STATES = ['SCHEDULED', 'ASSIGNED', 'EN_ROUTE', 'COLLECTED', 'DELIVERED'];

/**
 * Booked capacity per area window, read from the pickups table. Callers hold the area's
 * booking lock (see lockArea) so two schedules cannot both take the last place.
 */
@Injectable()
export class PickupBookings {
  /** Serialises bookings in one area until the transaction ends. */
  async lockArea(manager: EntityManager, cityCode: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `pickup-booking:${cityCode}`,
    ]);
  }

  /** Counts for the area's whole booking horizon from `from`, as the engine's lookup. */
  async counts(
    manager: EntityManager,
    area: ServiceArea,
    from: Date,
    excludePickupId: string | null = null,
  ): Promise<BookedCounts> {
    const first = localParts(from, area.timeZone).date;
    const last = addDaysIso(first, area.bookingDaysAhead);
    const rows = await manager.query<Array<{ d: string; w: number; n: number }>>(
      `SELECT to_char(promised_date, 'YYYY-MM-DD') AS d, window_index AS w, count(*)::int AS n
         FROM pickups
        WHERE area_code = $1 AND promised_date BETWEEN $2::date AND $3::date
          AND state = ANY($4::text[]) AND ($5::uuid IS NULL OR id <> $5::uuid)
        GROUP BY 1, 2`,
      [area.cityCode, first, last, BOOKING_STATES, excludePickupId],
    );
    const map = new Map(rows.map((r) => [`${r.d}#${r.w}`, r.n]));
    return (date, windowIndex) => map.get(`${date}#${windowIndex}`) ?? 0;
  }
}
