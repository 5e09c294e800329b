import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { DispatchPickups } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import { DispatchService } from './dispatch.service.js';
import { checkWindowBookable } from '../service-areas/engine/promise.js';
import { locationOf, navigationLinks, orderRoute, type LatLng } from './domain/route.js';
import { CITY_CENTRES } from '../service-areas/engine/stores.js';
import { addDaysIso, localParts } from '../service-areas/engine/time-zone.js';
import type { HandBackDto, MoveWindowDto } from './api/logistics.dto.js';
import { PickupBookings } from './data/pickup-bookings.js';
import type { Pickup, PickupState } from './data/pickup.entity.js';
import { PickupRepository, type PlaceName } from './data/pickup.repository.js';
import { PickupAccess, PickupMachine } from './domain/pickup.machine.js';
import { promiseColumns, windowOf } from './domain/promised-window.js';
import { notifyCustomer, slaTimer } from './pickup-follow-ups.js';
import { PickupsService } from './pickups.service.js';
import { windowNotBookable } from './pickup-windows.js';

/** An agreement may be recorded a little after the call, never before it happened. */
const AGREEMENT_CLOCK_SKEW_MS = 5 * 60_000;

interface PlaceNames {
  cities: Map<string, PlaceName>;
  districts: Map<string, PlaceName>;
}

/**
 * A courier planning their own day (issue 22): the day's stops as a route with navigation
 * links, tomorrow at a glance, moving a pickup to another free window with the customer's
 * agreement, and handing back a pickup they cannot make (it returns to dispatch).
 */
@Injectable()
export class CourierDayService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly pickups: PickupsService,
    private readonly dispatch: DispatchService,
    private readonly bookings: PickupBookings,
    private readonly areas: ServiceAreasService,
    private readonly clock: LogisticsClock,
    private readonly repository: PickupRepository,
  ) {}

  /** The courier's stops of a local day in route order, and tomorrow's load. */
  async route(actor: Actor, date: string | undefined) {
    const me = courierOf(actor);
    const day =
      date ?? localParts(this.clock.now(), await this.pickups.courierTimeZone(actor)).date;
    const tomorrow = addDaysIso(day, 1);
    const rows = await this.repository.courierDays(me, [day, tomorrow]);
    const todays = rows.filter((p) => p.promisedDate === day);
    const next = rows.filter((p) => p.promisedDate === tomorrow && p.state !== 'CANCELLED');
    const names = await this.placeNames(rows);
    const start: LatLng | null = todays.length ? (CITY_CENTRES[todays[0].areaCode] ?? null) : null;
    const ordered = orderRoute(
      todays.map((p) => ({
        id: p.id,
        windowStart: p.windowStart,
        districtCode: p.districtCode,
        line1: p.address.line1,
        location: locationOf(p.address),
        pickup: p,
      })),
      start,
    );
    const views = await this.pickups.views(
      actor,
      ordered.map((s) => s.pickup),
    );
    return {
      date: day,
      stops: views.map((view, i) => {
        const p = ordered[i].pickup;
        const city = names.cities.get(p.areaCode);
        const district = names.districts.get(p.districtCode);
        const cityName = city?.nameZh ?? city?.name ?? p.areaCode;
        const districtName = district?.nameZh ?? district?.name ?? '';
        return {
          ...view,
          stop: i + 1,
          location: ordered[i].location,
          navigation: navigationLinks(
            {
              name: p.address.contactName,
              address: `${cityName}${districtName}${p.address.line1}`,
              cityCode: p.areaCode,
              cityName,
            },
            ordered[i].location,
          ),
        };
      }),
      tomorrow: {
        date: tomorrow,
        count: next.length,
        windows: countBy(
          next,
          (p) => windowOf(p).local,
          (p) => p.windowStart.getTime(),
        ),
        areas: countBy(
          next,
          (p) => p.areaCode,
          (p) => p.areaCode,
        ).map((a) => ({ ...a, name: names.cities.get(a.key)?.name ?? a.key })),
      },
    };
  }

  /**
   * The courier moves their own pickup into another free window of its area, the customer
   * having agreed (who, how, when — kept in the pickup's history and told to the customer).
   * Takes the dispatch lock and the area's booking lock: the window must have a place left
   * (409 `pickup_window_full`) and the courier room in it (409 `courier_window_full`).
   */
  async moveWindow(actor: Actor, id: string, dto: MoveWindowDto) {
    const me = courierOf(actor);
    const now = this.clock.now();
    const agreedAt = dto.agreement.agreedAt ? new Date(dto.agreement.agreedAt) : now;
    if (agreedAt.getTime() > now.getTime() + AGREEMENT_CLOCK_SKEW_MS) {
      throw new BadRequestException({
        message: 'Invalid input: the customer cannot have agreed in the future',
        fields: [{ field: 'agreement.agreedAt', errors: ['in the future'] }],
      });
    }
    const agreement = {
      agreedBy: dto.agreement.agreedBy.trim(),
      channel: dto.agreement.channel,
      agreedAt: agreedAt.toISOString(),
      recordedBy: me,
    };
    if (!agreement.agreedBy) {
      throw new BadRequestException({
        message: 'Invalid input: say who agreed',
        fields: [{ field: 'agreement.agreedBy', errors: ['required'] }],
      });
    }
    const moved = await this.dataSource.transaction(async (m) => {
      await this.dispatch.lock(m);
      const current = PickupAccess.assertVisible(
        await this.repository.findPickup(id, m),
        actor,
        id,
      );
      const apply = (
        patch: ReturnType<typeof promiseColumns> | undefined,
        from: ReturnType<typeof windowOf> | null,
      ) =>
        this.transitions.apply<PickupState, Pickup>(PickupMachine, {
          manager: m,
          id,
          action: 'move-window',
          actor,
          expectedVersion: dto.version ?? current.version,
          patch,
          data: (p) => ({ from, to: windowOf(p), agreement }),
          jobs: (p) => [
            slaTimer(p),
            ...notifyCustomer(p, 'pickup-moved', {
              promisedWindow: windowOf(p),
              agreedBy: agreement.agreedBy,
              channel: agreement.channel,
            }),
          ],
        });
      // Not ASSIGNED (or a stale version): the machine answers 409 with the state and actions.
      if (current.state !== 'ASSIGNED') return apply(undefined, null);
      const promise = await this.bookableWindow(m, current, dto, now);
      await this.dispatch.checkCourierRoom(m, me, current, dto.date, dto.windowIndex);
      return apply(promiseColumns(promise), windowOf(current));
    });
    return (await this.pickups.views(actor, [moved]))[0];
  }

  private async bookableWindow(m: EntityManager, p: Pickup, dto: MoveWindowDto, now: Date) {
    if (p.promisedDate === dto.date && p.windowIndex === dto.windowIndex) {
      throw new BadRequestException({
        message: 'Invalid input: the pickup is already in that window',
        fields: [{ field: 'windowIndex', errors: ['the same window as now'] }],
      });
    }
    const area = await this.areas.findArea(p.areaCode, { includeInactive: true, manager: m });
    if (!area) throw new ConflictException(`Service area ${p.areaCode} no longer exists`);
    await this.bookings.lockArea(m, area.cityCode);
    const booked = await this.bookings.counts(area, now, { manager: m, excludePickupId: p.id });
    const check = checkWindowBookable(area, now, dto.date, dto.windowIndex, booked);
    if (check.ok) return check.promise;
    throw windowNotBookable(area, dto, check.reason, 'windowIndex');
  }

  /**
   * The courier cannot make it: ASSIGNED → SCHEDULED without a courier, the reason in the
   * history, and a dispatch run for the area that will not give it back to this courier.
   */
  async handBack(actor: Actor, id: string, dto: HandBackDto) {
    const me = courierOf(actor);
    const note = dto.note?.trim() || null;
    if (dto.reason === 'other' && !note) {
      throw new BadRequestException({
        message: "Invalid input: say why when the reason is 'other'",
        fields: [{ field: 'note', errors: ["required when the reason is 'other'"] }],
      });
    }
    const p = await this.dataSource.transaction(async (m) => {
      await this.dispatch.lock(m);
      return this.transitions.apply(PickupMachine, {
        manager: m,
        id,
        action: 'hand-back',
        actor,
        expectedVersion: dto.version,
        patch: (p) => ({
          courierId: null,
          handedBackBy: [...new Set([...p.handedBackBy, me])],
        }),
        data: { reason: dto.reason, note, courierId: me },
        jobs: (p) => [job(DispatchPickups, { cityCode: p.areaCode })],
      });
    });
    // No longer theirs: the courier reads what they handed back once, without actions.
    return {
      id: p.id,
      state: p.state,
      version: p.version,
      courierId: p.courierId,
      allowedActions: [],
    };
  }

  private placeNames(pickups: Pickup[]): Promise<PlaceNames> {
    return this.repository.placeNames(
      [...new Set(pickups.map((p) => p.areaCode))],
      [...new Set(pickups.map((p) => p.districtCode))],
    );
  }
}

/** The courier's user id (couriers always act as a user). */
function courierOf(actor: Actor): string {
  if (!actor.userId) throw new ForbiddenException('Only a signed-in courier may do this');
  return actor.userId;
}

function countBy<T>(
  rows: T[],
  key: (row: T) => string,
  order: (row: T) => string | number,
): Array<{ key: string; count: number }> {
  const groups = new Map<string, { count: number; order: string | number }>();
  for (const r of rows) {
    const k = key(r);
    const g = groups.get(k) ?? { count: 0, order: order(r) };
    g.count += 1;
    groups.set(k, g);
  }
  return [...groups.entries()]
    .sort(([, a], [, b]) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map(([k, g]) => ({ key: k, count: g.count }));
}
