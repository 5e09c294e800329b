import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { User } from '../accounts/user.entity.js';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { CourierArea, CourierProfile } from './courier.entity.js';
import {
  assignPickups,
  checkManualAssignment,
  windowKey,
  type CourierLoad,
  type PickupToAssign,
} from './engine/dispatch.js';
import { Pickup } from './pickup.entity.js';
import { PickupMachine } from './pickup.machine.js';
import type { AssignPickupDto, CourierProfileDto } from './logistics.dto.js';

/** Pickups that hold a courier's place in a window. */
const WORKING_STATES = ['ASSIGNED', 'EN_ROUTE', 'COLLECTED', 'DELIVERED'];
const DISPATCH_BATCH = 1000;

interface PickupRow {
  id: string;
  area_code: string;
  d: string;
  window_index: number;
  handed_back_by: string[];
}

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
  ) {}

  /** The one dispatch lock: runs, hand assignments and couriers' own changes take it. */
  lock(m: EntityManager): Promise<unknown> {
    return m.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['pickup-dispatch']);
  }

  /**
   * One dispatch run (an area, or every area). Re-running it assigns nothing twice. Rows are
   * locked without SKIP LOCKED: a pickup busy in another transaction (a failure being recorded)
   * is waited for, not silently left for the next sweep.
   */
  async run(cityCode: string | null): Promise<{ assigned: number; unassigned: number }> {
    return this.dataSource.transaction(async (m) => {
      await this.lock(m);
      const rows = await m.query<PickupRow[]>(
        `SELECT id, area_code, to_char(promised_date, 'YYYY-MM-DD') AS d, window_index, handed_back_by
           FROM pickups
          WHERE state = 'SCHEDULED' AND ($1::text IS NULL OR area_code = $1)
          ORDER BY promised_date, window_index, id
          LIMIT ${DISPATCH_BATCH}
          FOR UPDATE`,
        [cityCode],
      );
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
      const pickup = await m.getRepository(Pickup).findOne({ where: { id } });
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
  async boardCouriers(m: EntityManager, areaCodes: string[] | null, date: string) {
    return this.loads(m, areaCodes, [date]);
  }

  /**
   * Active couriers serving any of `areaCodes` (or the one courier asked for), with their
   * assigned counts on `dates`.
   */
  private async loads(
    m: EntityManager,
    areaCodes: string[] | null,
    dates: string[],
    courierId?: string,
  ): Promise<CourierLoad[]> {
    const couriers = await m.query<
      Array<{ user_id: string; capacity_per_window: number; areas: string[] }>
    >(
      `SELECT c.user_id, c.capacity_per_window, array_agg(ca.city_code ORDER BY ca.city_code) AS areas
         FROM couriers c
         JOIN users u ON u.id = c.user_id AND u.role = 'courier' AND NOT u.disabled
         JOIN courier_areas ca ON ca.courier_id = c.user_id
        WHERE c.active AND ($1::uuid IS NULL OR c.user_id = $1)
        GROUP BY c.user_id, c.capacity_per_window
       HAVING $2::text[] IS NULL OR array_agg(ca.city_code) && $2::text[]`,
      [courierId ?? null, areaCodes],
    );
    if (couriers.length === 0) return [];
    const counts = await m.query<Array<{ courier_id: string; d: string; w: number; n: number }>>(
      `SELECT courier_id, to_char(promised_date, 'YYYY-MM-DD') AS d, window_index AS w, count(*)::int AS n
         FROM pickups
        WHERE courier_id = ANY($1::uuid[]) AND promised_date = ANY($2::date[])
          AND state = ANY($3::text[])
        GROUP BY 1, 2, 3`,
      [couriers.map((c) => c.user_id), dates, WORKING_STATES],
    );
    return couriers.map((c) => ({
      id: c.user_id,
      areaCodes: c.areas,
      capacityPerWindow: c.capacity_per_window,
      assignedCounts: new Map(
        counts.filter((r) => r.courier_id === c.user_id).map((r) => [windowKey(r.d, r.w), r.n]),
      ),
    }));
  }

  // ---- courier profiles (admin) -----------------------------------------------------------

  async listCouriers() {
    const profiles = await this.dataSource
      .getRepository(CourierProfile)
      .find({ order: { createdAt: 'ASC' } });
    const areas = await this.dataSource.getRepository(CourierArea).find();
    return profiles.map((p) => courierView(p, areas));
  }

  /** Sets a courier's capacity and areas (the whole list). */
  async saveCourier(userId: string, dto: CourierProfileDto) {
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: userId } });
    if (!user || user.role !== 'courier') throw new NotFound('Courier', userId);
    const codes = [...new Set(dto.areaCodes)];
    const known = await this.dataSource.query<Array<{ city_code: string }>>(
      'SELECT city_code FROM service_areas WHERE city_code = ANY($1::text[])',
      [codes],
    );
    const unknown = codes.filter((c) => !known.some((k) => k.city_code === c));
    if (unknown.length > 0) {
      throw new BadRequestException({
        message: `Unknown service areas: ${unknown.join(', ')}`,
        fields: [{ field: 'areaCodes', errors: unknown.map((c) => `unknown area ${c}`) }],
      });
    }
    await this.dataSource.transaction(async (m) => {
      await m
        .getRepository(CourierProfile)
        .upsert({ userId, capacityPerWindow: dto.capacityPerWindow, active: dto.active ?? true }, [
          'userId',
        ]);
      await m.getRepository(CourierArea).delete({ courierId: userId });
      if (codes.length > 0) {
        await m
          .getRepository(CourierArea)
          .insert(codes.map((cityCode) => ({ courierId: userId, cityCode })));
      }
    });
    const profile = await this.dataSource
      .getRepository(CourierProfile)
      .findOneOrFail({ where: { userId } });
    const areas = await this.dataSource
      .getRepository(CourierArea)
      .find({ where: { courierId: In([userId]) } });
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
