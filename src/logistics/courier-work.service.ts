import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import { OpenSupportCase, ParcelDelivered, StartErasure } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { lockSource } from '../core/source-lock.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { LogisticsClock } from './clock.js';
import { afterFailure, validateFailedAttempt, MAX_PICKUP_ATTEMPTS } from './domain/attempts.js';
import type { CollectPickupDto, DeliverPickupDto, FailPickupDto } from './api/logistics.dto.js';
import type { Pickup } from './data/pickup.entity.js';
import { PickupRepository } from './data/pickup.repository.js';
import { PickupAccess, PickupMachine } from './domain/pickup.machine.js';
import { windowOf } from './domain/promised-window.js';
import { PhotosService } from '../photos/photos.service.js';
import { notifyCustomer, shipmentUpdate } from './pickup-follow-ups.js';
import { PickupSchedulingService } from './pickup-scheduling.service.js';
import { PickupsService } from './pickups.service.js';

/**
 * A courier's work on a pickup at the door: setting off, collecting (every item scanned, the
 * seal, the hand-over photos; items into the courier's custody), delivering at the end of the
 * leg, and a failed attempt (rebooked into the next window, or cancelled after the last one).
 * Every state change goes through the Pickup machine; items move with it in the same
 * transaction; follow-ups go to the outbox.
 */
@Injectable()
export class CourierWorkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly clock: LogisticsClock,
    private readonly items: ItemsService,
    private readonly photos: PhotosService,
    private readonly pickups: PickupRepository,
    private readonly scheduling: PickupSchedulingService,
    private readonly reads: PickupsService,
  ) {}

  async start(actor: Actor, id: string, version?: number) {
    const p = await this.transitions.apply(PickupMachine, {
      id,
      action: 'start',
      actor,
      expectedVersion: version,
      jobs: (started) =>
        notifyCustomer(started, 'pickup-en-route', { promisedWindow: windowOf(started) }),
    });
    return (await this.reads.views(actor, [p]))[0];
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
    return (await this.reads.views(actor, [p]))[0];
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
      if (!toOwner && !toStore) await assertWarehouse(this.pickups, warehouseId);
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
    return (await this.reads.views(actor, [p]))[0];
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
      return this.scheduling.reschedule(m, failed, now, reason, {
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
    return (await this.reads.views(actor, [p]))[0];
  }
}

/** A parcel's destination must be a warehouse (400), and there must be one (409). */
export async function assertWarehouse(
  pickups: PickupRepository,
  warehouseId: string | null,
): Promise<void> {
  if (!warehouseId) {
    throw new ConflictException('No destination warehouse for this parcel: pass warehouseId');
  }
  const org = await pickups.findOrganisation(warehouseId);
  if (!org || org.kind !== 'warehouse') {
    throw new BadRequestException({
      message: 'warehouseId must name a warehouse',
      fields: [{ field: 'warehouseId', errors: ['not a warehouse'] }],
    });
  }
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
