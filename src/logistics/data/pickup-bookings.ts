import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { addDaysIso, localParts } from '../../service-areas/engine/time-zone.js';
import type { BookedCounts } from '../../service-areas/engine/promise.js';
import type { ServiceArea } from '../../service-areas/engine/service-area.js';

/** States that hold a place in an area's window (a cancelled pickup gives it back). */
export const BOOKING_STATES = ['SCHEDULED', 'ASSIGNED', 'EN_ROUTE', 'COLLECTED', 'DELIVERED'];

/**
 * Booked capacity per area window, read from the pickups table. Callers hold the area's
 * booking lock (see lockArea) so two schedules cannot both take the last place.
 */
@Injectable()
export class PickupBookings extends DataRepository {
  /** Serialises bookings in one area until the transaction ends. */
  async lockArea(manager: EntityManager, cityCode: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      `pickup-booking:${cityCode}`,
    ]);
  }

  /** Counts for the area's whole booking horizon from `from`, as the engine's lookup. */
  async counts(
    area: ServiceArea,
    from: Date,
    {
      manager,
      excludePickupId = null,
    }: { manager?: EntityManager; excludePickupId?: string | null } = {},
  ): Promise<BookedCounts> {
    const first = localParts(from, area.timeZone).date;
    const last = addDaysIso(first, area.bookingDaysAhead);
    const rows = await this.manager(manager).query<Array<{ d: string; w: number; n: number }>>(
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

  /** One area's day: pickups holding a place, per window and state (the capacity chart). */
  perWindowAndState(
    cityCode: string,
    day: string,
    manager?: EntityManager,
  ): Promise<Array<{ w: number; state: string; n: number }>> {
    return this.manager(manager).query<Array<{ w: number; state: string; n: number }>>(
      `SELECT window_index AS w, state, count(*)::int AS n FROM pickups
        WHERE area_code = $1 AND promised_date = $2::date AND state = ANY($3::text[])
        GROUP BY 1, 2`,
      [cityCode, day, BOOKING_STATES],
    );
  }

  /** One day of these areas: pickups holding a place, per area and window (the board). */
  perAreaWindow(
    day: string,
    areaCodes: string[],
    manager?: EntityManager,
  ): Promise<Array<{ a: string; w: number; n: number }>> {
    return this.manager(manager).query<Array<{ a: string; w: number; n: number }>>(
      `SELECT area_code AS a, window_index AS w, count(*)::int AS n FROM pickups
        WHERE promised_date = $1::date AND area_code = ANY($2::text[]) AND state = ANY($3::text[])
        GROUP BY 1, 2`,
      [day, areaCodes, BOOKING_STATES],
    );
  }
}
