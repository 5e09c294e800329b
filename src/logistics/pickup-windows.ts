import { BadRequestException, ConflictException, HttpException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  PickupWindowBooking,
  PickupWindowChoice,
} from '../core/read-models/pickup-windows.js';
import {
  type CoverageAddress,
  ServiceAreasService,
} from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import { checkWindowBookable } from '../service-areas/engine/promise.js';
import type { ServiceArea } from '../service-areas/engine/service-area.js';
import { PickupBookings } from './data/pickup-bookings.js';

/**
 * Why a chosen window cannot be booked, as the error to throw: 409 `pickup_window_full` when it
 * has no place left, else a 400 on `field` (the area has no such window, or it is not offered now).
 */
export function windowNotBookable(
  area: ServiceArea,
  choice: PickupWindowChoice,
  reason: 'no-such-window' | 'not-bookable' | 'full',
  field: string,
): HttpException {
  if (reason === 'full') {
    const window = area.windows[choice.windowIndex];
    return new ConflictException({
      message: `The pickup window ${choice.date} ${window.start}–${window.end} is full now: choose another window`,
      code: 'pickup_window_full',
    });
  }
  return new BadRequestException({
    message:
      reason === 'no-such-window'
        ? `Invalid input: the area has no pickup window ${choice.windowIndex}`
        : `Invalid input: the pickup window ${choice.date} #${choice.windowIndex} cannot be booked now (past, too soon, or beyond the booking horizon)`,
    fields: [{ field, errors: ['not one of the free pickup windows'] }],
  });
}

/** A window an owner may choose: its local day and times, and the places left in it. */
export interface FreePickupWindow {
  /** Local date in the area's time zone, `YYYY-MM-DD`. */
  date: string;
  windowIndex: number;
  /** Local times of day, `HH:MM`. */
  start: string;
  end: string;
  windowStart: Date;
  windowEnd: Date;
  sameDay: boolean;
  remaining: number;
}

/**
 * The read model logistics publishes for owners choosing when the courier comes (issue 22):
 * the free windows of an address's area counted from the pickups booked (the same states and
 * horizon as a booking), and the check made when an owner accepts with a chosen window.
 */
@Injectable()
export class PickupWindows implements PickupWindowBooking {
  constructor(
    private readonly areas: ServiceAreasService,
    private readonly bookings: PickupBookings,
    private readonly clock: LogisticsClock,
  ) {}

  /** Every window with room from now, earliest first (400 when couriers do not go there). */
  async free(address: Pick<CoverageAddress, 'cityCode' | 'districtCode'>): Promise<{
    cityCode: string;
    cityName: string;
    timeZone: string;
    windows: FreePickupWindow[];
  }> {
    // Only the area matters here; the street is checked when the order is made.
    const area = await this.areaOf({ ...address, line1: 'area only' });
    const now = this.clock.now();
    const booked = await this.bookings.counts(area, now);
    return {
      cityCode: area.cityCode,
      cityName: area.cityName,
      timeZone: area.timeZone,
      windows: this.areas.options(area, now, booked).map((o) => ({
        date: o.date,
        windowIndex: o.windowIndex,
        start: area.windows[o.windowIndex].start,
        end: area.windows[o.windowIndex].end,
        windowStart: o.windowStart,
        windowEnd: o.windowEnd,
        sameDay: o.sameDay,
        remaining: o.remaining,
      })),
    };
  }

  /**
   * At acceptance, in the caller's transaction: the chosen window must still be offered at
   * `now` (400 otherwise) and have a place left (409 `pickup_window_full`). Takes the area's
   * booking lock, so the check is serialised with the bookings themselves.
   */
  async assertBookable(
    m: EntityManager,
    address: CoverageAddress,
    choice: PickupWindowChoice,
    now: Date,
  ): Promise<void> {
    const area = await this.areaOf(address, m);
    await this.bookings.lockArea(m, area.cityCode);
    const booked = await this.bookings.counts(area, now, { manager: m });
    const result = checkWindowBookable(area, now, choice.date, choice.windowIndex, booked);
    if (!result.ok) throw windowNotBookable(area, choice, result.reason, 'pickupWindow');
  }

  private async areaOf(address: CoverageAddress, m?: EntityManager): Promise<ServiceArea> {
    const coverage = await this.areas.checkCoverage(address, m);
    if (!coverage.covered) {
      throw new BadRequestException({
        message: coverage.message,
        reason: coverage.reason,
        fields: coverage.fields.map((f) => ({ field: f, errors: [coverage.message] })),
      });
    }
    return coverage.area;
  }
}
