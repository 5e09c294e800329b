import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { CourierArea, CourierProfile } from './data/courier.entity.js';
import { CourierRepository } from './data/courier.repository.js';
import { PickupRepository } from './data/pickup.repository.js';
import {
  assignPickups,
  checkManualAssignment,
  windowKey,
  type CourierLoad,
  type PickupToAssign,
} from './domain/dispatch.js';
import { Pickup } from './data/pickup.entity.js';
import { PickupMachine } from './domain/pickup.machine.js';
import type { AssignPickupDto, CourierProfileDto } from './api/logistics.dto.js';

const DISPATCH_BATCH = 1000;

/**
 * Courier dispatch: the `dispatch-pickups` job assigns SCHEDULED pickups to couriers of their
 * area with the engine's assignPickups (capacity per window, even load); admins assign by hand.
 * Both run under one advisory lock, so two runs never count the same free place twice.
 */
@Injectable()
export class DispatchService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly pickups: PickupRepository,
    private readonly couriers: CourierRepository,
  ) {}

  /** The one dispatch lock: runs, hand assignments and couriers' own changes take it. */
  lock(m: EntityManager): Promise<void> {
    return this.pickups.lockDispatch(m);
  }

  /**
   * One dispatch run (an area, or every area). Re-running it assigns nothing twice. Rows are
   * locked without SKIP LOCKED: a pickup busy in another transaction (a failure being recorded)
   * is waited for, not silently left for the next sweep.
   */
  async run(cityCode: string | null): Promise<{ assigned: number; unassigned: number }> {
    return this.dataSource.transaction(async (m) => {
      await this.lock(m);
      const rows = await this.pickups.scheduledForDispatch(m, cityCode, DISPATCH_BATCH);
      if (rows.length === 0) return { assigned: 0, unassigned: 0 };
      const pickups: PickupToAssign[] = rows.map((r) => ({
        id: r.id,
        areaCode: r.area_code,
        date: r.d,
        windowIndex: r.window_index,
        excludedCourierIds: r.handed_back_by,
      }));
      const couriers = await this.loads(
        m,
        [...new Set(pickups.map((p) => p.areaCode))],
        [...new Set(pickups.map((p) => p.date))],
      );
      const result = assignPickups(pickups, couriers);
      for (const a of result.assignments) {
        await this.transitions.apply(PickupMachine, {
          manager: m,
          id: a.pickupId,
          action: 'assign',
          actor: SYSTEM_ACTOR,
          patch: { courierId: a.courierId },
          data: { courierId: a.courierId, by: 'dispatch' },
        });
      }
      return { assigned: result.assignments.length, unassigned: result.unassigned.length };
    });
  }

  /** An admin assigns (or reassigns) a pickup to a courier of its area. */
  async assignByHand(actor: Actor, id: string, dto: AssignPickupDto): Promise<Pickup> {
    return this.dataSource.transaction(async (m) => {
      await this.lock(m);
      const pickup = await this.pickups.findPickup(id, m);
      if (!pickup) throw new NotFound('Pickup', id);
      const [courier] = await this.loads(m, null, [pickup.promisedDate], dto.courierId);
      if (!courier) {
        throw new NotFound('Courier (with a dispatch profile)', dto.courierId);
      }
      // The pickup's own place does not count against the courier it already belongs to.
      const counts = new Map(courier.assignedCounts);
      const key = windowKey(pickup.promisedDate, pickup.windowIndex);
      if (pickup.courierId === courier.id && pickup.state !== 'SCHEDULED') {
        counts.set(key, Math.max(0, (counts.get(key) ?? 0) - 1));
      }
      const check = checkManualAssignment(
        {
          id: pickup.id,
          areaCode: pickup.areaCode,
          date: pickup.promisedDate,
          windowIndex: pickup.windowIndex,
        },
        { ...courier, assignedCounts: counts },
        { allowOverCapacity: dto.allowOverCapacity ?? false },
      );
      if (!check.ok) throw new ConflictException({ message: check.message, reason: check.reason });
      return this.transitions.apply(PickupMachine, {
        manager: m,
        id,
        current: pickup,
        action: 'assign',
        actor,
        expectedVersion: dto.version,
        patch: { courierId: courier.id },
        data: { courierId: courier.id, by: 'hand', overCapacity: dto.allowOverCapacity ?? false },
      });
    });
  }

  /**
   * Whether a courier has room for `pickup` in another window of its day (the pickup's own
   * place does not count): the capacity check of a courier moving their own pickup. Caller
   * holds the dispatch lock. A courier without a dispatch profile is not limited.
   */
  async checkCourierRoom(
    m: EntityManager,
    courierId: string,
    pickup: Pickup,
    date: string,
    windowIndex: number,
  ): Promise<void> {
    const [courier] = await this.loads(m, null, [date], courierId);
    if (!courier) return;
    const counts = new Map(courier.assignedCounts);
    const own = windowKey(pickup.promisedDate, pickup.windowIndex);
    if (own === windowKey(date, windowIndex))
      counts.set(own, Math.max(0, (counts.get(own) ?? 0) - 1));
    const check = checkManualAssignment(
      { id: pickup.id, areaCode: pickup.areaCode, date, windowIndex },
      { ...courier, assignedCounts: counts },
    );
    if (!check.ok) {
      throw new ConflictException({
        message: `You already have ${courier.capacityPerWindow} pickups in that window: choose another`,
        reason: check.reason,
        code: 'courier_window_full',
      });
    }
  }

  /** Active couriers of the areas (all areas: null) with their assigned counts on `date`. */
  async boardCouriers(areaCodes: string[] | null, date: string, m?: EntityManager) {
    return this.couriers.loads(areaCodes, [date], { manager: m });
  }

  /**
   * Active couriers serving any of `areaCodes` (or the one courier asked for), with their
   * assigned counts on `dates`.
   */
  private loads(
    m: EntityManager,
    areaCodes: string[] | null,
    dates: string[],
    courierId?: string,
  ): Promise<CourierLoad[]> {
    return this.couriers.loads(areaCodes, dates, { courierId, manager: m });
  }

  // ---- courier profiles (admin) -----------------------------------------------------------

  async listCouriers() {
    const { profiles, areas } = await this.couriers.profiles();
    return profiles.map((p) => courierView(p, areas));
  }

  /** Sets a courier's capacity and areas (the whole list). */
  async saveCourier(userId: string, dto: CourierProfileDto) {
    const user = await this.couriers.findUser(userId);
    if (!user || user.role !== 'courier') throw new NotFound('Courier', userId);
    const codes = [...new Set(dto.areaCodes)];
    const known = await this.couriers.knownAreaCodes(codes);
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new BadRequestException({
        message: `Unknown service areas: ${unknown.join(', ')}`,
        fields: [{ field: 'areaCodes', errors: unknown.map((c) => `unknown area ${c}`) }],
      });
    }
    await this.dataSource.transaction((m) =>
      this.couriers.saveProfile(
        m,
        userId,
        { capacityPerWindow: dto.capacityPerWindow, active: dto.active ?? true },
        codes,
      ),
    );
    const { profile, areas } = await this.couriers.profile(userId);
    return courierView(profile, areas);
  }
}

function courierView(p: CourierProfile, areas: CourierArea[]) {
  return {
    userId: p.userId,
    capacityPerWindow: p.capacityPerWindow,
    active: p.active,
    areaCodes: areas
      .filter((a) => a.courierId === p.userId)
      .map((a) => a.cityCode)
      .sort(),
  };
}
