import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import type { Page } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { ItemsService } from '../core/items/items.service.js';
import { localParts } from '../service-areas/engine/time-zone.js';
import { LogisticsClock } from './clock.js';
import type { PickupFilter } from './api/logistics.dto.js';
import type { Pickup } from './data/pickup.entity.js';
import { PickupRepository } from './data/pickup.repository.js';
import { CourierRepository } from './data/courier.repository.js';
import { PickupAccess, PickupMachine } from './domain/pickup.machine.js';
import { windowOf } from './domain/promised-window.js';
import { PhotosService } from '../photos/photos.service.js';

/**
 * Reading pickups: one, a page, a courier's day, and the view every pickup action answers with
 * (its items' trace codes, the seal for those who may read it back, the allowed actions).
 */
@Injectable()
export class PickupsService {
  constructor(
    private readonly clock: LogisticsClock,
    private readonly items: ItemsService,
    private readonly photos: PhotosService,
    private readonly pickups: PickupRepository,
    private readonly couriers: CourierRepository,
  ) {}

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
