import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { ExpireSaleReservation } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { merchantEvent } from './merchant-events.js';
import type { CheckoutDto } from './api/resale.dto.js';
import type { SaleOrder } from './data/resale.entities.js';
import { ListingMachine, SaleOrderMachine } from './domain/resale.machines.js';
import { priceRefundedNotice, refundColumns, SaleRefundsService } from './sale-refunds.service.js';
import { ListingRepository } from './data/listing.repository.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';
import {
  erasureBlocked,
  erasureConflict,
  SaleOrdersService,
  toAddress,
} from './sale-orders.service.js';

/**
 * The buyer's purchase: checkout reserves the listing for a limited time (at most a few unpaid
 * reservations per buyer), and the buyer (or an admin) cancels — unpaid, the listing goes back
 * on the market; paid and not shipped, a full refund. The end of an unpaid reservation is shared
 * with the reservation timer (`SaleOrderEventsService.expire`).
 */
@Injectable()
export class SaleCheckoutService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saleOrders: SaleOrderRepository,
    private readonly listings: ListingRepository,
    private readonly transitions: TransitionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly orders: SaleOrdersService,
    private readonly refunds: SaleRefundsService,
  ) {}

  /** Reserves the listing for this buyer until the reservation runs out. */
  async checkout(actor: Actor, dto: CheckoutDto): Promise<SaleOrder> {
    const listing = await this.listings.findListing(dto.listingId);
    if (!listing || listing.state === 'DRAFT' || listing.state === 'WITHDRAWN') {
      throw new NotFound('Listing', dto.listingId);
    }
    const reservedUntil = new Date(Date.now() + this.config.resale.reservationMinutes * 60_000);
    return this.dataSource.transaction(async (m) => {
      await this.assertReservationRoom(m, actor);
      const item = await this.saleOrders.itemOf(listing.itemId, m);
      if (erasureBlocked(item)) throw erasureConflict(item);
      const reserved = await this.transitions.apply(ListingMachine, {
        manager: m,
        id: listing.id,
        action: 'reserve',
        actor,
        checkAccess: false,
        data: { reservedUntil: reservedUntil.toISOString() },
      });
      return this.transitions.create(SaleOrderMachine, {
        manager: m,
        actor,
        values: {
          listingId: reserved.id,
          itemId: reserved.itemId,
          merchantId: reserved.merchantId,
          buyerId: actor.userId ?? undefined,
          priceMinor: reserved.priceMinor,
          currency: reserved.currency,
          gradeSold: reserved.grade,
          shippingAddress: toAddress(dto.shippingAddress),
          reservedUntil,
          returnWindowDays: reserved.returnWindowDays,
          returnShipment: [],
          returnRound: 1,
        },
        data: (o) => ({ listingId: o.listingId, priceMinor: o.priceMinor }),
        jobs: (o) => [job(ExpireSaleReservation, { saleOrderId: o.id }, reservedUntil)],
      });
    });
  }

  /**
   * One buyer holds at most RESALE_MAX_OPEN_RESERVATIONS unpaid checkouts at once (issue 18),
   * so nobody takes the market off sale in 15-minute blocks. The buyer's checkouts queue on a
   * transaction lock, so two at once cannot both take the last place.
   */
  private async assertReservationRoom(m: EntityManager, actor: Actor): Promise<void> {
    if (!actor.userId) return;
    const max = this.config.resale.maxOpenReservations;
    const open = await this.saleOrders.openReservations(m, actor.userId);
    if (open >= max) {
      throw new ConflictException({
        message: `You already hold ${open} unpaid reservation${open === 1 ? '' : 's'}, the most one buyer may hold at once (${max}): pay for or cancel one first`,
        code: 'too_many_reservations',
        openReservations: open,
        limit: max,
      });
    }
  }

  /**
   * The buyer (or an admin) cancels. Unpaid: the listing goes back on the market. Paid and not
   * shipped yet: full refund, the item and its listing are for sale again.
   */
  async cancel(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    await this.orders.get(actor, id);
    return this.dataSource.transaction(async (m) => {
      const order = await this.orders.lockFor(m, id, actor, 'cancel', version);
      const reason =
        actor.role === 'customer' ? 'cancelled by the buyer' : 'cancelled by operations';
      if (order.state !== 'PAID') {
        return this.endReservation(m, id, 'cancel', actor, reason, version);
      }
      const refund = await this.refunds.refund(m, order, 'cancel-refund', order.priceMinor, reason);
      const cancelled = await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id,
        action: 'cancel',
        actor,
        expectedVersion: order.version,
        patch: {
          cancelReason: reason,
          ...refundColumns(order.priceMinor, refund),
        },
        data: { reason, refundMinor: order.priceMinor, refundKey: refund.key },
        jobs: (o) => [
          priceRefundedNotice(o, 'sale-order-refunded'),
          merchantEvent(o, 'sale-order.cancelled', { refundMinor: o.priceMinor }),
        ],
      });
      await this.transitions.apply(ListingMachine, {
        manager: m,
        id: order.listingId,
        action: 'reopen',
        actor: SYSTEM_ACTOR,
        patch: { soldAt: null },
        data: { saleOrderId: order.id, reason },
      });
      await this.transitions.apply(ItemMachine, {
        manager: m,
        id: order.itemId,
        action: 'unsell',
        actor: SYSTEM_ACTOR,
        data: { saleOrderId: order.id, reason },
      });
      return cancelled;
    });
  }

  /** Unpaid and over: cancelled or expired, the listing back on the market. */
  async endReservation(
    m: EntityManager,
    id: string,
    action: 'cancel' | 'expire',
    actor: Actor,
    reason: string,
    version?: number,
  ): Promise<SaleOrder> {
    const order = await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id,
      action,
      actor,
      expectedVersion: version,
      patch: { cancelReason: reason },
      data: { reason },
    });
    await this.transitions.apply(ListingMachine, {
      manager: m,
      id: order.listingId,
      action: 'release-reservation',
      actor: actor.role === 'customer' ? actor : SYSTEM_ACTOR,
      checkAccess: false,
      data: { saleOrderId: order.id, reason },
    });
    return order;
  }
}
