import {
  BadRequestException,
  ConflictException,
  Controller,
  Get,
  Global,
  Injectable,
  Module,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { SignedIn } from '../core/http/access.decorators.js';
import {
  PICKUP_WINDOWS,
  type PickupWindowBooking,
  type PickupWindowChoice,
} from '../core/read-models/pickup-windows.js';
import { ServiceAreasModule } from '../service-areas/service-areas.module.js';
import {
  type CoverageAddress,
  ServiceAreasService,
} from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import { checkWindowBookable } from '../service-areas/engine/promise.js';
import type { ServiceArea } from '../service-areas/engine/service-area.js';
import { PickupBookings } from './data/pickup-bookings.js';

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

const AREA_CODE = /^[0-9A-Za-z-]{2,20}$/;

export class PickupWindowsQuery {
  @ApiProperty({ example: '310100' }) @Matches(AREA_CODE) cityCode: string;
  @ApiProperty({ example: '310104' }) @Matches(AREA_CODE) districtCode: string;
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
    if (result.ok) return;
    const window = area.windows[choice.windowIndex];
    if (result.reason === 'full') {
      throw new ConflictException({
        message: `The pickup window ${choice.date} ${window.start}–${window.end} is full now: choose another window`,
        code: 'pickup_window_full',
      });
    }
    throw new BadRequestException({
      message:
        result.reason === 'no-such-window'
          ? `Invalid input: the area has no pickup window ${choice.windowIndex}`
          : `Invalid input: the pickup window ${choice.date} #${choice.windowIndex} cannot be booked now (past, too soon, or beyond the booking horizon)`,
      fields: [{ field: 'pickupWindow', errors: ['not one of the free pickup windows'] }],
    });
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

@ApiTags('pickups')
@ApiBearerAuth()
@Controller('pickup-windows')
export class PickupWindowsController {
  constructor(private readonly windows: PickupWindows) {}

  /** The free pickup windows for an address (city and district), earliest first. */
  @Get()
  @SignedIn()
  free(@Query() query: PickupWindowsQuery) {
    return this.windows.free(query);
  }
}

/**
 * Publishes the free windows (the route) and the check at acceptance (PICKUP_WINDOWS, a port in
 * core that acquisition injects). Global, so acquisition imports neither it nor logistics;
 * LogisticsModule imports it once.
 */
@Global()
@Module({
  imports: [ServiceAreasModule],
  controllers: [PickupWindowsController],
  providers: [
    PickupWindows,
    PickupBookings,
    LogisticsClock,
    { provide: PICKUP_WINDOWS, useExisting: PickupWindows },
  ],
  exports: [PICKUP_WINDOWS],
})
export class PickupWindowsModule {}
