import { BadRequestException, Injectable } from '@nestjs/common';
import { NotFound } from '../core/errors.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import { localParts } from '../service-areas/engine/time-zone.js';
import { PickupBookings } from './data/pickup-bookings.js';

/**
 * Read-only: pickups booked per window of one area and day against the window's capacity (the
 * same states hold a place as when booking), for the admin's capacity chart.
 */
@Injectable()
export class PickupLoadService {
  constructor(
    private readonly bookings: PickupBookings,
    private readonly areas: ServiceAreasService,
    private readonly clock: LogisticsClock,
  ) {}

  async load(cityCode: string, date?: string) {
    const area = await this.areas.findArea(cityCode, { includeInactive: true });
    if (!area) throw new NotFound('Service area', cityCode);
    const day = date ?? localParts(this.clock.now(), area.timeZone).date;
    const parsed = new Date(`${day}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
      throw new BadRequestException({
        message: 'Invalid input: date',
        fields: [{ field: 'date', errors: ['date is not a calendar date'] }],
      });
    }
    const rows = await this.bookings.perWindowAndState(area.cityCode, day);
    const windows = area.windows.map((w, index) => {
      const byState: Record<string, number> = {};
      for (const r of rows) if (r.w === index) byState[r.state] = r.n;
      const booked = Object.values(byState).reduce((a, b) => a + b, 0);
      return { index, start: w.start, end: w.end, capacity: w.capacity, booked, byState };
    });
    return {
      cityCode: area.cityCode,
      cityName: area.cityName,
      timeZone: area.timeZone,
      date: day,
      windows,
      total: {
        capacity: windows.reduce((a, w) => a + w.capacity, 0),
        booked: windows.reduce((a, w) => a + w.booked, 0),
      },
    };
  }
}
