import { BadRequestException, Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import { DispatchService } from './dispatch.service.js';
import type { ServiceArea } from '../service-areas/engine/service-area.js';
import { localParts } from '../service-areas/engine/time-zone.js';
import type { DispatchBoardQuery } from './api/logistics.dto.js';
import { BOOKING_STATES, PickupBookings } from './data/pickup-bookings.js';
import { CourierRepository } from './data/courier.repository.js';
import { PickupRepository } from './data/pickup.repository.js';
import { PickupsService } from './pickups.service.js';

/** A board shows one day; more than this many pickups is a sign to filter by area. */
export const BOARD_MAX_PICKUPS = 500;
const BOARD_STATES = [...BOOKING_STATES, 'FAILED'];

/**
 * The admin's dispatch board (issue 22): one day's pickups of every area (or one), the couriers
 * who serve those areas with their load per window against their capacity, and the area
 * windows' own capacity. Reassigning goes through `POST /pickups/:id/assign` (the one dispatch
 * lock, the courier's capacity, the pickup's version).
 */
@Injectable()
export class DispatchBoardService {
  constructor(
    private readonly dispatch: DispatchService,
    private readonly pickups: PickupsService,
    private readonly areas: ServiceAreasService,
    private readonly clock: LogisticsClock,
    private readonly repository: PickupRepository,
    private readonly bookings: PickupBookings,
    private readonly couriers: CourierRepository,
  ) {}

  async board(actor: Actor, query: DispatchBoardQuery) {
    let only: ServiceArea | null = null;
    if (query.areaCode) {
      only = await this.areas.findArea(query.areaCode, { includeInactive: true });
      if (!only) throw new NotFound('Service area', query.areaCode);
    }
    const day = query.date ?? localParts(this.clock.now(), only?.timeZone ?? 'Asia/Shanghai').date;
    assertCalendarDate(day);
    const rows = await this.repository.dayBoard(
      day,
      BOARD_STATES,
      only?.cityCode ?? null,
      BOARD_MAX_PICKUPS + 1,
    );
    const truncated = rows.length > BOARD_MAX_PICKUPS;
    const shown = rows.slice(0, BOARD_MAX_PICKUPS);
    const areaCodes = only ? [only.cityCode] : [...new Set(shown.map((p) => p.areaCode))].sort();
    const areas = (
      await Promise.all(areaCodes.map((c) => this.areas.findArea(c, { includeInactive: true })))
    ).filter((a): a is ServiceArea => a !== null);
    const couriers = areaCodes.length ? await this.dispatch.boardCouriers(areaCodes, day) : [];
    const names = await this.couriers.userNames(couriers.map((c) => c.id));
    const booked = await this.bookings.perAreaWindow(day, areaCodes);
    return {
      date: day,
      truncated,
      areas: areas.map((a) => ({
        cityCode: a.cityCode,
        cityName: a.cityName,
        cityNameZh: a.cityNameZh ?? null,
        timeZone: a.timeZone,
        windows: a.windows.map((w, index) => ({
          index,
          start: w.start,
          end: w.end,
          capacity: w.capacity,
          booked: booked.find((b) => b.a === a.cityCode && b.w === index)?.n ?? 0,
        })),
      })),
      couriers: couriers
        .map((c) => ({
          userId: c.id,
          name: names.get(c.id) ?? c.id,
          capacityPerWindow: c.capacityPerWindow,
          areaCodes: c.areaCodes,
          load: [...c.assignedCounts.entries()]
            .map(([key, count]) => ({ windowIndex: Number(key.split('#')[1]), count }))
            .sort((a, b) => a.windowIndex - b.windowIndex),
          total: [...c.assignedCounts.values()].reduce((a, b) => a + b, 0),
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      pickups: await this.pickups.views(actor, shown),
    };
  }
}

function assertCalendarDate(day: string): void {
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    throw new BadRequestException({
      message: 'Invalid input: date',
      fields: [{ field: 'date', errors: ['date is not a calendar date'] }],
    });
  }
}
