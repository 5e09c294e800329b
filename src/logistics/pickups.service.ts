import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { isUniqueViolation } from '../core/errors.js';
import type { Page } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import {
  CheckPickupSla,
  DispatchPickups,
  NotifyOwner,
  OpenSupportCase,
  ParcelDelivered,
  SaleOrderShipmentUpdate,
  CancelPickup,
  SchedulePickup,
  StartErasure,
  TradeInShipmentUpdate,
  type ShipmentAddress,
  type ShipmentUpdatePayload,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { lockSource } from '../core/source-lock.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { LogisticsClock } from './clock.js';
import {
  afterFailure,
  attemptsRemaining,
  validateFailedAttempt,
  MAX_PICKUP_ATTEMPTS,
} from './domain/attempts.js';
import {
  checkWindowBookable,
  NoPickupCapacityError,
  type PickupPromise,
} from '../service-areas/engine/promise.js';
import type { ServiceArea } from '../service-areas/engine/service-area.js';
import { localParts } from '../service-areas/engine/time-zone.js';
import type {
  CollectPickupDto,
  CreateConsolidationDto,
  DeliverPickupDto,
  FailPickupDto,
  PickupFilter,
} from './api/logistics.dto.js';
import { PickupBookings } from './data/pickup-bookings.js';
import type { Pickup, PickupState } from './data/pickup.entity.js';
import { PickupRepository } from './data/pickup.repository.js';
import { CourierRepository } from './data/courier.repository.js';
import { PickupAccess, PickupMachine } from './domain/pickup.machine.js';
import { PhotosService } from '../photos/photos.service.js';

export type SchedulePickupPayload = JobPayload<typeof SchedulePickup>;

/** States in which a pickup still occupies a courier and can still be late. */
const OPEN_STATES: PickupState[] = ['SCHEDULED', 'ASSIGNED', 'EN_ROUTE'];

/**
 * Pickups: scheduling (from the SchedulePickup job), courier work, failed attempts, the SLA
 * timer and store consolidations. Every state change goes through the Pickup machine; items
 * move with it in the same transaction; follow-ups go to the outbox.
 */
@Injectable()
export class PickupsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly areas: ServiceAreasService,
    private readonly bookings: PickupBookings,
    private readonly clock: LogisticsClock,
    private readonly items: ItemsService,
    private readonly photos: PhotosService,
    private readonly pickups: PickupRepository,
    private readonly couriers: CourierRepository,
  ) {}

  // ---- scheduling ----------------------------------------------------------------------------

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
  private async promiseIn(
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
  private afterBooking(p: Pickup): OutboxJob[] {
    return [slaTimer(p), job(DispatchPickups, { cityCode: p.areaCode })];
  }

  /** A warehouse in the same city, else any (deterministic); null when there is none yet. */
  private pickWarehouse(cityCode: string): Promise<string | null> {
    return this.pickups.nearestWarehouseId(cityCode);
  }

  // ---- reads ---------------------------------------------------------------------------------

  async get(actor: Actor, id: string) {
    const p = await this.pickups.findPickup(id);
    const visible = PickupAccess.assertVisible(p, actor, id);
    return {
      ...(await this.views(actor, [visible]))[0],
      // The hand-over photos the courier uploaded (photoRefs that are photo ids).
      attachedPhotos: await this.photos.forSubject(actor, 'pickup', visible.id),
    };
  }

  async list(actor: Actor, filter: PickupFilter): Promise<Page<ReturnType<typeof pickupView>>> {
    const page = await this.pickups.page(actor, filter);
    return { items: await this.views(actor, page.items), nextCursor: page.nextCursor };
  }

  /** "My pickups today": the courier's pickups of a local date, in window order. */
  async mine(actor: Actor, date: string | undefined) {
    const day = date ?? localParts(this.clock.now(), await this.courierTimeZone(actor)).date;
    const rows = actor.userId ? await this.pickups.courierDay(actor.userId, day) : [];
    return { date: day, items: await this.views(actor, rows) };
  }

  /** The time zone of the courier's first area (Beijing time when they have none). */
  async courierTimeZone(actor: Actor): Promise<string> {
    return (await this.couriers.timeZone(actor.userId)) ?? 'Asia/Shanghai';
  }

  async views(actor: Actor, pickups: Pickup[]) {
    const codes = await this.items.traceCodes(pickups.flatMap((p) => p.itemIds));
    return pickups.map((p) =>
      withActions(
        PickupMachine,
        p,
        actor,
        pickupView(p, (id) => codes.get(id) ?? null, sealVisibleTo(p, actor)),
      ),
    );
  }

  // ---- courier work --------------------------------------------------------------------------

  async start(actor: Actor, id: string, version?: number) {
    const p = await this.transitions.apply(PickupMachine, {
      id,
      action: 'start',
      actor,
      expectedVersion: version,
      jobs: (started) =>
        notifyCustomer(started, 'pickup-en-route', { promisedWindow: windowOf(started) }),
    });
    return (await this.views(actor, [p]))[0];
  }

  /**
   * The courier has the parcel: every item scanned (exactly the pickup's items), the bag's seal
   * number when the goods travel sealed, and the items move into the courier's custody.
   */
  async collect(actor: Actor, id: string, dto: CollectPickupDto) {
    const now = this.clock.now();
    const seal = dto.sealNumber?.trim() || null;
    let erasureItems: string[] = [];
    const p = await this.dataSource.transaction(async (m) => {
      // The order's own cancel takes the same lock: one of the two wins, the other gets 409.
      const current = await this.pickups.findPickup(id, m);
      if (current && current.sourceKind !== 'store-intake') {
        await lockSource(m, { kind: current.sourceKind, id: current.sourceId });
      }
      return this.transitions.apply(PickupMachine, {
        manager: m,
        id,
        action: 'collect',
        actor,
        expectedVersion: dto.version,
        patch: (p) => ({
          sealNumber: p.direction === 'store-consolidation' ? p.sealNumber : seal,
          photoRefs: dto.photoRefs ?? [],
          collectedAt: now,
        }),
        custodian: { kind: 'courier', id: actor.userId },
        data: (p) => ({
          sealNumber: p.sealNumber,
          photoRefs: p.photoRefs,
          eraseOnSite: dto.eraseOnSite ?? false,
        }),
        effects: async (m, p) => {
          const items = await this.pickups.items(m, p.itemIds);
          checkScannedItems(items, dto.traceCodes);
          // Uploaded hand-over photos (ids) must be this courier's, taken for a pickup.
          await this.photos.attach(m, actor, 'pickup', p.id, dto.photoRefs ?? [], {
            field: 'photoRefs',
            allowReferences: true,
          });
          if ((p.specialPackaging || p.direction === 'store-consolidation') && !p.sealNumber) {
            throw new BadRequestException({
              message: 'sealNumber is required: these goods travel in a tamper-evident bag',
              fields: [{ field: 'sealNumber', errors: ['required for sealed goods'] }],
            });
          }
          // A car has no bag to seal: photos of the odometer and the VIN plate record its handover.
          if (p.mode === 'inspection-at-address' && p.photoRefs.length < 2) {
            throw new BadRequestException({
              message: 'photoRefs: a car is handed over with photos of its odometer and VIN plate',
              fields: [{ field: 'photoRefs', errors: ['at least 2 photos for a vehicle'] }],
            });
          }
          if (p.direction === 'store-consolidation' && seal !== p.sealNumber) {
            throw new ConflictException(
              `Seal number ${seal ?? '(none)'} does not match the bag the store sealed (${p.sealNumber})`,
            );
          }
          await this.moveOnCollect(m, actor, p, items);
          if (dto.eraseOnSite) {
            erasureItems = items.filter((i) => i.erasureStatus === 'pending').map((i) => i.id);
          }
        },
        jobs: (p) => [
          ...shipmentUpdate(p, 'collected', { at: now }),
          ...erasureItems.map((itemId) =>
            job(StartErasure, {
              itemId,
              at: 'on-site',
              organisationId: null,
              requestedBy: actor.userId,
            }),
          ),
        ],
      });
    });
    return (await this.views(actor, [p]))[0];
  }

  private async moveOnCollect(m: EntityManager, actor: Actor, p: Pickup, items: Item[]) {
    const wrong = (expected: string, item: Item) =>
      new ConflictException(
        `Item ${item.traceCode} is ${item.state}, not ${expected}: it cannot be collected on this pickup`,
      );
    for (const item of items) {
      if (p.direction === 'inbound') {
        if (item.state === 'CANCELLED') {
          throw new ConflictException(
            `Item ${item.traceCode} is CANCELLED: its order was called off before collection, so it stays with its owner`,
          );
        }
        await this.transitions.apply(ItemMachine, {
          manager: m,
          id: item.id,
          current: item,
          action: 'collect',
          actor,
          checkAccess: false,
          custodian: { kind: 'courier', id: actor.userId },
          data: { pickupId: p.id, sealNumber: p.sealNumber },
        });
      } else if (p.direction === 'buyer-return') {
        if (item.state === 'SOLD') {
          // Resale may leave the item SOLD until it physically leaves the buyer.
          await this.transitions.apply(ItemMachine, {
            manager: m,
            id: item.id,
            current: item,
            action: 'return-by-buyer',
            actor: SYSTEM_ACTOR,
            custodian: { kind: 'courier', id: actor.userId },
            data: { pickupId: p.id, courierId: actor.userId },
          });
        } else if (item.state !== 'RETURN_IN_TRANSIT')
          throw wrong('SOLD or RETURN_IN_TRANSIT', item);
      } else if (p.direction === 'return-to-owner') {
        if (item.state !== 'RETURNING_TO_OWNER') throw wrong('RETURNING_TO_OWNER', item);
      } else if (
        item.state !== 'IN_TRANSIT' ||
        item.custodianKind !== 'store' ||
        item.custodianId !== p.storeId
      ) {
        throw new ConflictException(`Item ${item.traceCode} is not held by this store`);
      }
    }
    await this.items.setCustodian(m, p.itemIds, { kind: 'courier', id: actor.userId });
  }

  /**
   * Hand-off at the end of the leg: to the warehouse (receiving then checks the seal and the
   * items) or, for a return, to the owner.
   */
  async deliver(actor: Actor, id: string, dto: DeliverPickupDto) {
    const now = this.clock.now();
    // The row read here is the one the transition checks and updates (not read twice).
    const p = await this.dataSource.transaction(async (m) => {
      const current = PickupAccess.assertVisible(await this.pickups.findPickup(id, m), actor, id);
      // A store drop-off goes back to the store's counter, not to the owner's door.
      const toStore = current.direction === 'return-to-owner' && current.storeId !== null;
      const toOwner = current.direction === 'return-to-owner' && !toStore;
      const warehouseId =
        toOwner || toStore ? current.warehouseId : (current.warehouseId ?? dto.warehouseId ?? null);
      if (!toOwner && !toStore) await this.assertWarehouse(warehouseId);
      return this.transitions.apply(PickupMachine, {
        manager: m,
        current,
        id,
        action: 'deliver',
        actor,
        expectedVersion: dto.version,
        patch: { deliveredAt: now, warehouseId },
        custodian: toOwner
          ? { kind: 'owner', id: current.customerId }
          : toStore
            ? { kind: 'store', id: current.storeId }
            : { kind: 'warehouse', id: warehouseId },
        effects: async (m, p) => {
          if (toStore) {
            await this.items.setCustodian(m, p.itemIds, { kind: 'store', id: p.storeId });
            return;
          }
          if (!toOwner) {
            await this.items.setCustodian(m, p.itemIds, { kind: 'warehouse', id: warehouseId });
            return;
          }
          const items = await this.pickups.items(m, p.itemIds);
          for (const item of items) {
            const ownerId = item.ownerId ?? p.customerId;
            await this.transitions.apply(ItemMachine, {
              manager: m,
              id: item.id,
              current: item,
              action: 'hand-back',
              actor,
              checkAccess: false,
              custodian: { kind: 'owner', id: ownerId },
              data: { pickupId: p.id },
            });
            await this.items.setCustodian(m, [item.id], { kind: 'owner', id: ownerId });
          }
        },
        jobs: (p) => [
          ...(toOwner || toStore
            ? []
            : [
                job(ParcelDelivered, {
                  pickupId: p.id,
                  warehouseId: warehouseId as string,
                  sealNumber: p.sealNumber,
                  itemIds: p.itemIds,
                  source: { kind: p.sourceKind, id: p.sourceId },
                  deliveredAt: now.toISOString(),
                }),
              ]),
          ...shipmentUpdate(p, 'delivered', { at: now }),
        ],
      });
    });
    return (await this.views(actor, [p]))[0];
  }

  private async assertWarehouse(warehouseId: string | null): Promise<void> {
    if (!warehouseId) {
      throw new ConflictException('No destination warehouse for this parcel: pass warehouseId');
    }
    const org = await this.pickups.findOrganisation(warehouseId);
    if (!org || org.kind !== 'warehouse') {
      throw new BadRequestException({
        message: 'warehouseId must name a warehouse',
        fields: [{ field: 'warehouseId', errors: ['not a warehouse'] }],
      });
    }
  }

  /**
   * A failed attempt: reason recorded, then rescheduled to the next promise from now, or, on
   * the last attempt, cancelled and the owner told. One transaction, so FAILED never lingers.
   */
  async fail(actor: Actor, id: string, dto: FailPickupDto) {
    const checked = validateFailedAttempt({ reason: dto.reason, note: dto.note });
    if (!checked.ok) {
      throw new BadRequestException({
        message: `Invalid failure report: ${checked.errors.map((e) => e.message).join('; ')}`,
        fields: checked.errors.map((e) => ({ field: e.field, errors: [e.message] })),
      });
    }
    const { attempt } = checked;
    const now = this.clock.now();
    const p = await this.dataSource.transaction(async (m) => {
      const failed = await this.transitions.apply(PickupMachine, {
        manager: m,
        id,
        action: 'fail',
        actor,
        expectedVersion: dto.version,
        patch: (p) => ({
          failures: [
            ...p.failures,
            {
              attempt: p.attempt,
              reason: attempt.reason,
              note: attempt.note ?? null,
              courierId: p.courierId,
              at: now.toISOString(),
            },
          ],
        }),
        data: (p) => ({ reason: attempt.reason, note: attempt.note ?? null, attempt: p.attempt }),
      });
      const reason = attempt.note ? `${attempt.reason}: ${attempt.note}` : attempt.reason;
      if (afterFailure(failed.attempt) === 'cancel') {
        return this.transitions.apply(PickupMachine, {
          manager: m,
          id,
          action: 'cancel',
          actor: SYSTEM_ACTOR,
          patch: { cancelReason: `${MAX_PICKUP_ATTEMPTS} attempts failed (last: ${reason})` },
          data: { reason: 'attempts-exhausted', lastFailure: attempt.reason },
          jobs: (p) => [
            ...shipmentUpdate(p, 'cancelled', { at: now, reason }),
            ...notifyCustomer(p, 'pickup-cancelled', {
              attempts: p.attempt,
              lastReason: attempt.reason,
            }),
          ],
        });
      }
      return this.reschedule(m, failed, now, reason, {
        onNoSlot: () => [
          ...shipmentUpdate(failed, 'failed', { at: now, reason }),
          job(OpenSupportCase, {
            kind: 'late-pickup',
            dedupeKey: `no-slot:${failed.id}:${failed.attempt}`,
            summary: `Pickup failed (${reason}) and no window is free to reschedule it`,
            itemIds: failed.itemIds,
            orderRef:
              failed.sourceKind === 'store-intake'
                ? null
                : { kind: failed.sourceKind, id: failed.sourceId },
            customerId: failed.customerId,
            detail: { pickupId: failed.id, attempt: failed.attempt, areaCode: failed.areaCode },
          }),
        ],
      });
    });
    return (await this.views(actor, [p]))[0];
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
    return (await this.views(actor, [p]))[0];
  }

  /**
   * FAILED → SCHEDULED in the first window with room after `now`, as the next attempt. When
   * every bookable window is full: `onNoSlot` says what to record instead (the pickup stays
   * FAILED), or, without it, 409.
   */
  private async reschedule(
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

  // ---- store drop-off ------------------------------------------------------------------------

  /**
   * A sealed bag of the store's drop-offs for a warehouse: a pickup in the 'store-consolidation'
   * direction, promised and dispatched like any other, with the seal recorded up front.
   */
  async createConsolidation(actor: Actor, dto: CreateConsolidationDto) {
    const storeId = await this.assertStoreStaff(actor);
    const store = await this.areas.storeOfOrganisation(storeId);
    if (!store) {
      throw new ConflictException('This store has no drop-off point set up in the service areas');
    }
    const area = await this.areas.findArea(store.cityCode);
    if (!area) throw new ConflictException(`Store city ${store.cityCode} is not a service area`);
    await this.assertWarehouse(dto.warehouseId);
    const now = this.clock.now();
    const id = randomUUID();
    const p = await this.dataSource.transaction(async (m) => {
      const items = await this.itemsByTraceCodes(m, dto.traceCodes);
      const notHeld = items.filter(
        (i) => i.state !== 'IN_TRANSIT' || i.custodianKind !== 'store' || i.custodianId !== storeId,
      );
      if (notHeld.length > 0) {
        throw new ConflictException({
          message: `Not held by this store: ${notHeld.map((i) => i.traceCode).join(', ')}`,
          traceCodes: notHeld.map((i) => i.traceCode),
        });
      }
      const [busy] = await this.pickups.openPickupIdsCarrying(
        m,
        items.map((i) => i.id),
      );
      if (busy) throw new ConflictException(`Some items are already on pickup ${busy}`);
      await this.bookings.lockArea(m, area.cityCode);
      const promise = await this.promiseIn(m, area, now).catch((err: unknown) => {
        throw err instanceof NoPickupCapacityError ? new ConflictException(err.message) : err;
      });
      const address: ShipmentAddress = {
        cityCode: store.cityCode,
        districtCode: store.districtCode,
        line1: store.address,
        contactName: store.name,
        contactPhone: '',
      };
      return this.transitions.create(PickupMachine, {
        manager: m,
        actor,
        values: {
          id,
          direction: 'store-consolidation',
          sourceKind: 'store-intake',
          sourceId: id,
          customerId: null,
          itemIds: items.map((i) => i.id),
          address,
          areaCode: area.cityCode,
          districtCode: store.districtCode,
          timeZone: area.timeZone,
          warehouseId: dto.warehouseId,
          storeId,
          requestedAt: now,
          specialPackaging: true,
          sealNumber: dto.sealNumber.trim(),
          ...promiseColumns(promise),
          attempt: 1,
          failures: [],
          photoRefs: [],
        },
        custodian: { kind: 'store', id: storeId },
        data: {
          sealNumber: dto.sealNumber.trim(),
          promisedWindow: windowOf({ ...promiseColumns(promise), timeZone: area.timeZone }),
        },
        jobs: (p) => this.afterBooking(p),
      });
    });
    return (await this.views(actor, [p]))[0];
  }

  private async assertStoreStaff(actor: Actor): Promise<string> {
    const org = actor.organisationId
      ? await this.pickups.findOrganisation(actor.organisationId)
      : null;
    if (!org || org.kind !== 'store') throw new ForbiddenException('Only store staff may do this');
    return org.id;
  }

  private async itemsByTraceCodes(m: EntityManager, traceCodes: string[]): Promise<Item[]> {
    const codes = traceCodes.map((c) => normaliseTraceCode(c) ?? c.toUpperCase());
    const items = await this.pickups.itemsByTraceCodes(m, codes);
    const found = new Set(items.map((i) => i.traceCode));
    const unknown = [...new Set(codes.filter((c) => !found.has(c)))];
    if (unknown.length > 0) {
      throw new BadRequestException({
        message: `Unknown trace codes: ${unknown.join(', ')}`,
        fields: [{ field: 'traceCodes', errors: unknown.map((c) => `unknown trace code ${c}`) }],
      });
    }
    return items;
  }
}

// ---- helpers -----------------------------------------------------------------------------------

export function promiseColumns(promise: PickupPromise) {
  return {
    promisedDate: promise.date,
    windowIndex: promise.windowIndex,
    windowStart: promise.windowStart,
    windowEnd: promise.windowEnd,
    sameDay: promise.sameDay,
  };
}

/** The SLA timer of the pickup's current attempt and window, at the window's end. */
export function slaTimer(p: Pickup): OutboxJob {
  return job(
    CheckPickupSla,
    { pickupId: p.id, attempt: p.attempt, windowEnd: p.windowEnd.toISOString() },
    p.windowEnd,
  );
}

/** The promised window as ISO instants, plus its local reading for people. */
export function windowOf(p: {
  windowStart: Date;
  windowEnd: Date;
  promisedDate: string;
  timeZone: string;
}) {
  return {
    start: p.windowStart.toISOString(),
    end: p.windowEnd.toISOString(),
    localDate: p.promisedDate,
    local: `${localParts(p.windowStart, p.timeZone).time}–${localParts(p.windowEnd, p.timeZone).time}`,
    timeZone: p.timeZone,
  };
}

/** Tells the stage that asked for the shipment; store consolidations have nobody to tell. */
function shipmentUpdate(
  p: Pickup,
  event: ShipmentUpdatePayload['event'],
  extra: { at: Date; reason?: string },
): OutboxJob[] {
  if (p.direction === 'store-consolidation') return [];
  const payload: ShipmentUpdatePayload = {
    pickupId: p.id,
    source: { kind: p.sourceKind, id: p.sourceId },
    direction: p.direction,
    event,
    itemIds: p.itemIds,
    sealNumber: p.sealNumber,
    warehouseId: p.warehouseId,
    promisedWindow: { start: p.windowStart.toISOString(), end: p.windowEnd.toISOString() },
    reason: extra.reason ?? null,
    at: extra.at.toISOString(),
  };
  if (p.sourceKind === 'trade-in') return [job(TradeInShipmentUpdate, payload)];
  if (p.sourceKind === 'sale-order') return [job(SaleOrderShipmentUpdate, payload)];
  return [];
}

export function notifyCustomer(
  p: Pickup,
  template: string,
  params: Record<string, unknown>,
): OutboxJob[] {
  if (!p.customerId) return [];
  return [
    job(NotifyOwner, { userId: p.customerId, template, params: { pickupId: p.id, ...params } }),
  ];
}

/** The scanned codes must be exactly the pickup's items: names what is missing or extra. */
function checkScannedItems(items: Item[], scanned: string[]): void {
  const expected = new Set(items.map((i) => i.traceCode));
  const seen = new Set(scanned.map((c) => normaliseTraceCode(c) ?? c.trim().toUpperCase()));
  const missing = [...expected].filter((c) => !seen.has(c)).sort();
  const unexpected = [...seen].filter((c) => !expected.has(c)).sort();
  if (missing.length === 0 && unexpected.length === 0) return;
  const parts = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unexpected.length ? `unexpected ${unexpected.join(', ')}` : '',
  ].filter(Boolean);
  throw new BadRequestException({
    message: `Scanned items do not match the pickup: ${parts.join('; ')}`,
    missing,
    unexpected,
  });
}

/**
 * The expected seal number is what receiving checks the bag against (issue 18): only whoever
 * recorded it — the courier at collection, the store that sealed a consolidation — and admins
 * may read it back. The receiving warehouse must read the seal off the bag itself.
 */
export function sealVisibleTo(p: Pickup, actor: Actor): boolean {
  if (actor.role === 'admin' || actor.role === 'system') return true;
  if (actor.role === 'courier') return p.courierId !== null && p.courierId === actor.userId;
  return (
    p.direction === 'store-consolidation' &&
    actor.role === 'warehouse' &&
    actor.organisationId !== null &&
    actor.organisationId === p.storeId
  );
}

export function pickupView(
  p: Pickup,
  traceCode: (itemId: string) => string | null,
  showSeal = false,
) {
  return {
    id: p.id,
    direction: p.direction,
    source: { kind: p.sourceKind, id: p.sourceId },
    customerId: p.customerId,
    items: p.itemIds.map((id) => ({ id, traceCode: traceCode(id) })),
    address: p.address,
    areaCode: p.areaCode,
    districtCode: p.districtCode,
    warehouseId: p.warehouseId,
    storeId: p.storeId,
    requestedAt: p.requestedAt,
    specialPackaging: p.specialPackaging,
    mode: p.mode,
    promisedWindow: windowOf(p),
    sameDay: p.sameDay,
    attempt: p.attempt,
    failures: p.failures,
    courierId: p.courierId,
    sealed: p.sealNumber !== null,
    ...(showSeal ? { sealNumber: p.sealNumber } : {}),
    photoRefs: p.photoRefs,
    collectedAt: p.collectedAt,
    deliveredAt: p.deliveredAt,
    cancelReason: p.cancelReason,
    createdAt: p.createdAt,
  };
}
