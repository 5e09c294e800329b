import { ConflictException, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { isUniqueViolation } from '../core/errors.js';
import {
  CheckPickupSla,
  DispatchPickups,
  OpenSupportCase,
  CancelPickup,
  SchedulePickup,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import { attemptsRemaining } from './domain/attempts.js';
import {
  checkWindowBookable,
  NoPickupCapacityError,
  type PickupPromise,
} from '../service-areas/engine/promise.js';
import type { ServiceArea } from '../service-areas/engine/service-area.js';
import { PickupBookings } from './data/pickup-bookings.js';
import type { Pickup, PickupState } from './data/pickup.entity.js';
import { PickupRepository } from './data/pickup.repository.js';
import { PickupAccess, PickupMachine } from './domain/pickup.machine.js';
import { promiseColumns, windowOf } from './domain/promised-window.js';
import { notifyCustomer, shipmentUpdate, slaTimer } from './pickup-follow-ups.js';
import { PickupsService } from './pickups.service.js';

export type SchedulePickupPayload = JobPayload<typeof SchedulePickup>;

/** States in which a pickup still occupies a courier and can still be late. */
const OPEN_STATES: PickupState[] = ['SCHEDULED', 'ASSIGNED', 'EN_ROUTE'];

/**
 * Pickups booked into windows: scheduling (the SchedulePickup job), cancelling for the asking
 * stage (CancelPickup), the SLA timer at each window's end (CheckPickupSla), and booking a
 * failed attempt into the next window with room (after the failure, or by an admin's hand).
 * Every state change goes through the Pickup machine; follow-ups go to the outbox.
 */
@Injectable()
export class PickupSchedulingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly areas: ServiceAreasService,
    private readonly bookings: PickupBookings,
    private readonly clock: LogisticsClock,
    private readonly pickups: PickupRepository,
    private readonly reads: PickupsService,
  ) {}

  /**
   * Handles SchedulePickup: one pickup per source and direction, promised from `requestedAt`
   * in the area's time zone with the cut-off and the capacity left. A second delivery of the
   * same job finds the pickup and does nothing.
   */
  async schedule(payload: SchedulePickupPayload): Promise<Pickup> {
    const existing = await this.findBySource(payload);
    if (existing) return existing;
    const requestedAt = new Date(payload.requestedAt);
    if (Number.isNaN(requestedAt.getTime()) || payload.itemIds.length === 0) {
      throw new UnrecoverableError(
        'SchedulePickup needs a valid requestedAt and at least one item',
      );
    }
    const coverage = await this.areas.checkCoverage(payload.address);
    if (!coverage.covered) {
      // Acquisition checks coverage at order time; an area switched off since then needs a person.
      throw new UnrecoverableError(`Cannot schedule pickup: ${coverage.message}`);
    }
    const area = coverage.area;
    const warehouseId = payload.warehouseId ?? (await this.pickWarehouse(area.cityCode));
    try {
      return await this.dataSource.transaction(async (m) => {
        await this.bookings.lockArea(m, area.cityCode);
        const promise = await this.promiseIn(m, area, requestedAt, payload.window);
        return this.transitions.create(PickupMachine, {
          manager: m,
          actor: SYSTEM_ACTOR,
          values: {
            direction: payload.direction,
            sourceKind: payload.source.kind,
            sourceId: payload.source.id,
            customerId: payload.customerId,
            itemIds: [...new Set(payload.itemIds)],
            address: payload.address,
            areaCode: area.cityCode,
            districtCode: coverage.district.code,
            timeZone: area.timeZone,
            warehouseId,
            // A store drop-off going back: delivered to the store, not the owner's door.
            storeId: payload.direction === 'return-to-owner' ? (payload.storeId ?? null) : null,
            requestedAt,
            specialPackaging: payload.specialPackaging,
            mode: payload.mode ?? 'parcel',
            round: payload.round ?? 1,
            ...promiseColumns(promise),
            attempt: 1,
            failures: [],
            photoRefs: [],
          },
          data: (p) => ({
            direction: p.direction,
            promisedWindow: windowOf(p),
            sameDay: p.sameDay,
          }),
          jobs: (p) => [
            ...shipmentUpdate(p, 'scheduled', { at: this.clock.now() }),
            ...this.afterBooking(p),
            // The owner or buyer hands the parcel over: tell them when the courier comes.
            ...(p.direction !== 'return-to-owner'
              ? notifyCustomer(p, 'pickup-scheduled', { promisedWindow: windowOf(p) })
              : []),
          ],
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const raced = await this.findBySource(payload);
        if (raced) return raced;
      }
      throw err;
    }
  }

  /**
   * Handles CancelPickup: the asking stage no longer wants the shipment. Not collected yet →
   * CANCELLED (the courier's list drops it); collected already → nothing to undo here, the
   * items come in as usual. Not scheduled yet (the jobs crossed) → retry until it is.
   */
  async cancelBySource(payload: JobPayload<typeof CancelPickup>): Promise<void> {
    const pickup = await this.findBySource(payload);
    if (!pickup) throw new Error(`No pickup for ${payload.source.kind} ${payload.source.id} yet`);
    if (!['SCHEDULED', 'ASSIGNED', 'EN_ROUTE', 'FAILED'].includes(pickup.state)) return;
    await this.transitions.apply(PickupMachine, {
      id: pickup.id,
      action: 'cancel',
      actor: SYSTEM_ACTOR,
      data: { reason: payload.reason },
    });
  }

  /** The pickup of this source, direction and round (the latest round when none is given). */
  private findBySource(
    payload: Pick<SchedulePickupPayload, 'source' | 'direction'> & { round?: number },
  ): Promise<Pickup | null> {
    return this.pickups.findBySource(
      payload.source,
      payload.direction,
      'round' in payload ? payload.round : undefined,
    );
  }

  /**
   * The window the owner chose when it still has room, else the first window with room,
   * counting what is booked now (caller holds the area lock).
   */
  async promiseIn(
    m: EntityManager,
    area: ServiceArea,
    from: Date,
    chosen?: { date: string; windowIndex: number },
  ): Promise<PickupPromise> {
    const booked = await this.bookings.counts(area, from, { manager: m });
    if (chosen) {
      const check = checkWindowBookable(area, from, chosen.date, chosen.windowIndex, booked);
      if (check.ok) return check.promise;
    }
    return this.areas.promise(area, from, booked);
  }

  /** The SLA timer for this attempt's window and a dispatch run for the area. */
  afterBooking(p: Pickup): OutboxJob[] {
    return [slaTimer(p), job(DispatchPickups, { cityCode: p.areaCode })];
  }

  /** A warehouse in the same city, else any (deterministic); null when there is none yet. */
  private pickWarehouse(cityCode: string): Promise<string | null> {
    return this.pickups.nearestWarehouseId(cityCode);
  }

  /** An admin books a FAILED pickup into the next window with room (409 while all are full). */
  async rescheduleByHand(actor: Actor, id: string, version?: number) {
    const now = this.clock.now();
    const p = await this.dataSource.transaction(async (m) => {
      const failed = PickupAccess.assertVisible(await this.pickups.findPickup(id, m), actor, id);
      if (version !== undefined && version !== failed.version) {
        throw new ConflictException(`Pickup ${id} is at version ${failed.version}, not ${version}`);
      }
      return this.reschedule(m, failed, now, 'rescheduled by operations', { actor });
    });
    return (await this.reads.views(actor, [p]))[0];
  }

  /**
   * FAILED → SCHEDULED in the first window with room after `now`, as the next attempt. When
   * every bookable window is full: `onNoSlot` says what to record instead (the pickup stays
   * FAILED), or, without it, 409.
   */
  async reschedule(
    m: EntityManager,
    failed: Pickup,
    now: Date,
    reason: string,
    opts: { actor?: Actor; onNoSlot?: () => OutboxJob[] },
  ): Promise<Pickup> {
    const area = await this.areas.findArea(failed.areaCode, { includeInactive: true, manager: m });
    if (!area) throw new ConflictException(`Service area ${failed.areaCode} no longer exists`);
    await this.bookings.lockArea(m, area.cityCode);
    let promise: PickupPromise;
    try {
      promise = await this.promiseIn(m, area, now);
    } catch (err) {
      if (!(err instanceof NoPickupCapacityError)) throw err;
      if (!opts.onNoSlot) throw new ConflictException(err.message);
      await this.outbox.write(m, opts.onNoSlot());
      return failed;
    }
    return this.transitions.apply(PickupMachine, {
      manager: m,
      id: failed.id,
      action: 'reschedule',
      actor: opts.actor ?? SYSTEM_ACTOR,
      expectedVersion: failed.version,
      patch: { ...promiseColumns(promise), attempt: failed.attempt + 1, courierId: null },
      data: (p) => ({ attempt: p.attempt, promisedWindow: windowOf(p), reason }),
      jobs: (p) => [
        ...shipmentUpdate(p, 'failed', { at: now, reason }),
        ...notifyCustomer(p, 'pickup-rescheduled', {
          reason,
          promisedWindow: windowOf(p),
          attemptsRemaining: attemptsRemaining(p.attempt - 1),
        }),
        ...this.afterBooking(p),
      ],
    });
  }

  // ---- SLA -----------------------------------------------------------------------------------

  /**
   * The end of a promised window: if this attempt is still not collected (not delivered, for a
   * return to the owner) the pickup is late — a support case and a message to the owner, once.
   * A timer of an earlier attempt finds a newer attempt and does nothing.
   */
  async checkSla(payload: JobPayload<typeof CheckPickupSla>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const p = await this.pickups.lockPickup(m, payload.pickupId);
      if (!p || p.attempt !== payload.attempt || p.lateAttempt === payload.attempt) return;
      // The courier moved the window (with the customer's agreement): the new window's timer counts.
      if (payload.windowEnd && payload.windowEnd !== p.windowEnd.toISOString()) return;
      const late =
        p.direction === 'return-to-owner'
          ? !['DELIVERED', 'CANCELLED'].includes(p.state)
          : OPEN_STATES.includes(p.state);
      if (!late) return;
      await this.pickups.markLate(m, p.id, p.attempt);
      const window = windowOf(p);
      await this.outbox.write(m, [
        job(OpenSupportCase, {
          kind: 'late-pickup',
          dedupeKey: `late-pickup:${p.id}:${p.attempt}`,
          summary: `Pickup not ${p.direction === 'return-to-owner' ? 'delivered' : 'collected'} by the end of its window (${window.start} – ${window.end})`,
          itemIds: p.itemIds,
          orderRef: p.sourceKind === 'store-intake' ? null : { kind: p.sourceKind, id: p.sourceId },
          customerId: p.customerId,
          detail: {
            pickupId: p.id,
            state: p.state,
            attempt: p.attempt,
            areaCode: p.areaCode,
            courierId: p.courierId,
            promisedWindow: window,
          },
        }),
        ...notifyCustomer(p, 'pickup-late', { promisedWindow: window }),
      ]);
    });
  }
}
