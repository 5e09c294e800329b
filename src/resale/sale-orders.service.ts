import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { seesEverything, SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound, stateConflict } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  ExpireSaleReservation,
  NotifyOwner,
  type ShipmentAddress,
} from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { webhookEvent } from '../notifications/webhooks/webhook-events.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { returnDeadline } from './domain/pricing.js';
import {
  PAYMENT_PROVIDER,
  type PaymentIntent,
  type PaymentProvider,
} from '../money/providers/payment-provider.js';
import type {
  AddressDto,
  CheckoutDto,
  DeclareLostDto,
  SaleOrderQuery,
  ShipDto,
} from './api/resale.dto.js';
import { SaleOrder, type SaleOrderState } from './data/resale.entities.js';
import { ListingMachine, SaleOrderAccess, SaleOrderMachine } from './domain/resale.machines.js';
import { SaleRefundsService } from './sale-refunds.service.js';
import { CarrierAccountRepository } from './data/carrier-account.repository.js';
import { ListingRepository } from './data/listing.repository.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';
import type { SoldItem } from './data/sale-order.repository.js';

/** The erasure gate as the market sees it (issue 17): an item that may hold data is not sold. */
export const erasureBlocked = (item: Pick<Item, 'erasureStatus'>) =>
  item.erasureStatus === 'pending' || item.erasureStatus === 'destroyed';

export function erasureConflict(item: Pick<Item, 'traceCode'>) {
  return new ConflictException({
    message: `Item ${item.traceCode} has no valid erasure certificate any more: it has been withdrawn from sale`,
    code: 'ERASURE_NOT_CERTIFIED',
  });
}

export function toAddress(a: AddressDto): ShipmentAddress {
  return {
    cityCode: a.cityCode,
    districtCode: a.districtCode,
    line1: a.line1,
    ...(a.line2 ? { line2: a.line2 } : {}),
    contactName: a.contactName,
    contactPhone: a.contactPhone,
  };
}

export type { SoldItem } from './data/sale-order.repository.js';

/**
 * Sale orders: checkout reserves the listing (one buyer wins, the other gets 409) for a limited
 * time (a delayed job expires it); the payment provider's signed webhook marks it paid (the item
 * is sold then); the merchant ships with a tracking number; delivery confirms the sale (custody
 * passes to the buyer, the sale joins the valuation history). A buyer may return it within the
 * merchant's window: a reverse pickup, re-inspection, then RETURNED with a refund.
 *
 * This service holds what buyers, merchants and staff do to an order and its views; what no
 * person triggers (payment confirmation, the reservation timer, the erasure withdrawal) is
 * `SaleOrderEventsService`, returns are `SaleReturnsService` and refunds `SaleRefundsService`.
 */
@Injectable()
export class SaleOrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saleOrders: SaleOrderRepository,
    private readonly listings: ListingRepository,
    private readonly carrierAccounts: CarrierAccountRepository,
    private readonly transitions: TransitionService,
    private readonly valuation: ValuationService,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly items: ItemsService,
    private readonly refunds: SaleRefundsService,
  ) {}

  view(actor: Actor, o: SaleOrder, item?: SoldItem) {
    const isBuyer = actor.role === 'customer';
    return withActions(SaleOrderMachine, o, actor, {
      id: o.id,
      listingId: o.listingId,
      itemId: o.itemId,
      // Read views (the list and GET) name the item: its trace code and model.
      ...(item ? { item } : {}),
      merchantId: o.merchantId,
      // The buyer's identity stays between the buyer, the merchant and platform staff.
      buyerId: o.buyerId,
      price: { amountMinor: o.priceMinor, currency: o.currency },
      gradeSold: o.gradeSold,
      shippingAddress: o.shippingAddress,
      reservedUntil: o.state === 'PENDING_PAYMENT' ? o.reservedUntil : null,
      payment: {
        provider: o.paymentProvider,
        intentId: isBuyer || seesEverything(actor) ? o.paymentIntentId : undefined,
        paidAt: o.paidAt,
      },
      shipment: {
        carrier: o.carrier,
        carrierAccountId: o.carrierAccountId,
        trackingNumber: o.trackingNumber,
        shippedAt: o.shippedAt,
        confirmationRequestedAt: o.deliveryConfirmationRequestedAt,
      },
      deliveredAt: o.deliveredAt,
      // Who proved the delivery: the carrier's signed tracking event, or the buyer.
      deliveryProof: o.deliveryProof,
      lost: o.lostAt ? { at: o.lostAt, reportedBy: o.lostReportedBy, reason: o.lostReason } : null,
      returnWindowDays: o.returnWindowDays,
      returnDeadline: o.deliveredAt ? returnDeadline(o.deliveredAt, o.returnWindowDays) : null,
      return: o.returnRequestedAt
        ? {
            requestedAt: o.returnRequestedAt,
            reason: o.returnReason,
            address: o.returnAddress,
            pickupId: o.returnPickupId,
            shipment: o.returnShipment,
            receivedAt: o.returnReceivedAt,
            grade: o.returnGrade,
            gradeMismatch: o.gradeMismatch,
            returnedAt: o.returnedAt,
            round: o.returnRound,
            // The two inspection reports side by side, the damage charged and why.
            evidence: o.returnEvidence,
            damageMinor: o.returnDamageMinor,
            // A buyer who disagrees opens a support case about this order.
            dispute:
              o.returnEvidence?.outcome === 'partial-refund'
                ? {
                    howTo: 'POST /api/v1/support/cases',
                    kind: 'buyer-return-dispute',
                    orderRef: { kind: 'sale-order', id: o.id },
                  }
                : null,
          }
        : null,
      refund:
        o.refundMinor !== null
          ? {
              amountMinor: o.refundMinor,
              currency: o.currency,
              // pending until the provider answers (the refund runs as a job), then succeeded.
              status: o.refundStatus,
              refundedAt: o.refundedAt,
              refundId: isBuyer || seesEverything(actor) ? o.refundId : undefined,
              idempotencyKey: seesEverything(actor) ? o.refundKey : undefined,
            }
          : null,
      cancelReason: o.cancelReason,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    });
  }

  async get(actor: Actor, id: string): Promise<SaleOrder> {
    const o = await this.saleOrders.findOrder(id);
    return SaleOrderAccess.assertVisible(o, actor, id);
  }

  async list(actor: Actor, q: SaleOrderQuery) {
    const page = await this.saleOrders.page(actor, q);
    const items = await this.saleOrders.soldItems(page.items.map((o) => o.itemId));
    return mapPage(page, (o) => this.view(actor, o, items.get(o.itemId)));
  }

  /** The order as read: with the item it sold named. */
  async present(actor: Actor, o: SaleOrder) {
    return this.view(actor, o, (await this.saleOrders.soldItems([o.itemId])).get(o.itemId));
  }

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

  /** A payment intent at the provider (the same one when asked again). */
  async pay(actor: Actor, id: string): Promise<PaymentIntent> {
    const order = await this.get(actor, id);
    if (actor.role !== 'customer' || order.buyerId !== actor.userId) {
      throw new NotFound('Sale order', id);
    }
    if (order.state !== 'PENDING_PAYMENT' || order.reservedUntil.getTime() <= Date.now()) {
      throw new ConflictException({
        message:
          order.state === 'PENDING_PAYMENT'
            ? 'The reservation has run out: the listing is back on the market'
            : `Sale order ${order.id} is ${order.state}: nothing to pay`,
        state: order.state,
        version: order.version,
      });
    }
    const item = await this.saleOrders.itemOf(order.itemId);
    if (erasureBlocked(item)) throw erasureConflict(item);
    const intent = await this.payments.createIntent({
      id: order.id,
      amountMinor: order.priceMinor,
      currency: order.currency,
      expiresAt: order.reservedUntil,
      description: `Reloop order ${order.id}`,
    });
    // One intent per order: a second ask gets the first intent back.
    const intentId = await this.saleOrders.setPaymentIntent(
      order.id,
      this.payments.name,
      intent.intentId,
    );
    return { ...intent, intentId };
  }

  /**
   * The checks a transition would make, before money moves: visible to the actor (404), the
   * role and state allow the action (403 / 409), the version is current (409). The transition
   * itself re-checks under the row lock the caller holds.
   */
  private async lockFor(
    m: EntityManager,
    id: string,
    actor: Actor,
    action: string,
    version?: number,
  ): Promise<SaleOrder> {
    const order = SaleOrderAccess.assertVisible(await this.saleOrders.lockOrder(m, id), actor, id);
    const byRole = SaleOrderMachine.transitions.filter(
      (t) => t.action === action && t.roles.includes(actor.role),
    );
    if (byRole.length === 0) {
      throw new ForbiddenException(`A ${actor.role} may not ${action} a sale order`);
    }
    const conflict = (message: string) => stateConflict(SaleOrderMachine, order, actor, message);
    if (!byRole.some((t) => t.from.includes(order.state))) {
      throw conflict(`Cannot ${action} a SaleOrder that is ${order.state}`);
    }
    if (version !== undefined && version !== order.version) {
      throw conflict(`SaleOrder ${id} is at version ${order.version}, not ${version}`);
    }
    return order;
  }

  /**
   * The buyer (or an admin) cancels. Unpaid: the listing goes back on the market. Paid and not
   * shipped yet: full refund, the item and its listing are for sale again.
   */
  async cancel(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    await this.get(actor, id);
    return this.dataSource.transaction(async (m) => {
      const order = await this.lockFor(m, id, actor, 'cancel', version);
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
          refundMinor: order.priceMinor,
          refundStatus: refund.status,
          refundKey: refund.key,
        },
        data: { reason, refundMinor: order.priceMinor, refundKey: refund.key },
        jobs: (o) => [
          job(NotifyOwner, {
            userId: o.buyerId,
            template: 'sale-order-refunded',
            params: { saleOrderId: o.id, amountMinor: o.priceMinor, currency: o.currency },
          }),
          webhookEvent({
            organisationId: o.merchantId,
            type: 'sale-order.cancelled',
            data: { saleOrderId: o.id, itemId: o.itemId, refundMinor: o.priceMinor },
          }),
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

  async ship(actor: Actor, id: string, dto: ShipDto): Promise<SaleOrder> {
    let carrier = dto.carrier;
    if (dto.carrierAccountId) {
      const account = await this.carrierAccounts.carrierOf(dto.carrierAccountId);
      if (!account?.active) {
        throw new BadRequestException({
          message: 'Invalid input: carrierAccountId is not an active carrier account',
          fields: [{ field: 'carrierAccountId', errors: ['is not an active carrier account'] }],
        });
      }
      carrier = carrier ?? account.carrier;
    }
    if (!carrier) {
      throw new BadRequestException({
        message: 'Invalid input: carrier is required without a carrierAccountId',
        fields: [{ field: 'carrier', errors: ['is required without a carrierAccountId'] }],
      });
    }
    return this.transitions.apply(SaleOrderMachine, {
      id,
      action: 'ship',
      actor,
      expectedVersion: dto.version,
      patch: {
        carrier,
        carrierAccountId: dto.carrierAccountId ?? null,
        trackingNumber: dto.trackingNumber,
        shippedAt: new Date(),
      },
      data: {
        carrier,
        carrierAccountId: dto.carrierAccountId ?? null,
        trackingNumber: dto.trackingNumber,
      },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-shipped',
          params: { saleOrderId: o.id, carrier, trackingNumber: dto.trackingNumber },
        }),
      ],
    });
  }

  /** The merchant cannot confirm delivery itself; it may ask the buyer to confirm it. */
  async requestDeliveryConfirmation(actor: Actor, id: string, version?: number) {
    const at = new Date();
    return this.transitions.apply(SaleOrderMachine, {
      id,
      action: 'request-delivery-confirmation',
      actor,
      expectedVersion: version,
      patch: { deliveryConfirmationRequestedAt: at },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-confirm-delivery',
          params: { saleOrderId: o.id, carrier: o.carrier, trackingNumber: o.trackingNumber },
        }),
      ],
    });
  }

  /** The buyer confirms they have the item. */
  async confirmDelivery(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    return this.dataSource.transaction((m) =>
      this.deliver(m, id, actor, { proof: 'buyer', eventId: null, at: new Date() }, version),
    );
  }

  /**
   * Delivered — the one code path for both proofs (the carrier's signed tracking event or the
   * buyer's confirmation): custody passes to the buyer, the return window starts at the proven
   * time, and the sale joins the valuation history.
   */
  private async deliver(
    m: EntityManager,
    id: string,
    actor: Actor,
    proof: { proof: 'carrier' | 'buyer'; eventId: string | null; at: Date },
    version?: number,
  ): Promise<SaleOrder> {
    const deliveredAt = proof.at;
    const before = await this.saleOrders.findOrder(id, m);
    // Title passes to the buyer at delivery (spec §2): first, so the delivery itself opens the
    // buyer's period of the item's history. A refused delivery rolls this back with it.
    if (before?.state === 'SHIPPED') {
      await this.items.transferOwnership(
        m,
        before.itemId,
        { kind: 'user', id: before.buyerId },
        'sale-delivered',
        actor,
      );
    }
    const order = await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id,
      action: 'confirm-delivery',
      actor,
      expectedVersion: version,
      patch: { deliveredAt, deliveryProof: proof.proof, deliveryEventId: proof.eventId },
      custodian: before ? { kind: 'buyer', id: before.buyerId } : null,
      data: {
        confirmedBy: actor.role,
        proof: proof.proof,
        carrierEventId: proof.eventId,
        deliveredAt: deliveredAt.toISOString(),
      },
      jobs: (o) => [
        webhookEvent({
          organisationId: o.merchantId,
          type: 'sale-order.delivered',
          data: { saleOrderId: o.id, itemId: o.itemId, proof: proof.proof },
        }),
      ],
    });
    await this.items.setCustodian(m, [order.itemId], { kind: 'buyer', id: order.buyerId });
    const item = await this.saleOrders.itemOf(order.itemId, m);
    if (item.categoryId) {
      await this.valuation.recordSale(m, {
        productModelId: item.productModelId,
        categoryId: item.categoryId,
        grade: order.gradeSold,
        priceMinor: order.priceMinor,
        soldAt: order.paidAt ?? deliveredAt,
        source: 'resale',
        sourceRef: order.id,
      });
    }
    return order;
  }

  /** Support or an admin declares the parcel lost (the carrier does so by its webhook). */
  async declareLost(actor: Actor, id: string, dto: DeclareLostDto): Promise<SaleOrder> {
    return this.dataSource.transaction((m) =>
      this.markLost(m, id, actor, actor.role, dto.reason, dto.version),
    );
  }

  /** Lost in transit: full refund, the item written off (its history says why). */
  private async markLost(
    m: EntityManager,
    id: string,
    actor: Actor,
    reportedBy: string,
    reason: string,
    version?: number,
  ): Promise<SaleOrder> {
    const order = await this.lockFor(m, id, actor, 'declare-lost', version);
    const refund = await this.refunds.refund(
      m,
      order,
      'lost-refund',
      order.priceMinor,
      `lost: ${reason}`,
    );
    const now = new Date();
    const lost = await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id,
      action: 'declare-lost',
      actor,
      expectedVersion: order.version,
      patch: {
        lostAt: now,
        lostReportedBy: reportedBy,
        lostReason: reason,
        refundMinor: order.priceMinor,
        refundStatus: refund.status,
        refundKey: refund.key,
      },
      data: { reportedBy, reason, refundMinor: order.priceMinor, refundKey: refund.key },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-lost-refunded',
          params: { saleOrderId: o.id, amountMinor: o.priceMinor, currency: o.currency },
        }),
        webhookEvent({
          organisationId: o.merchantId,
          type: 'sale-order.lost',
          data: { saleOrderId: o.id, itemId: o.itemId, reportedBy, reason },
        }),
      ],
    });
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: order.itemId,
      action: 'write-off',
      actor: SYSTEM_ACTOR,
      data: { saleOrderId: order.id, reason: `lost in transit: ${reason}`, reportedBy },
    });
    return lost;
  }

  /**
   * A tracking event of a registered carrier account, already verified (signature, timestamp)
   * and stored once per event id by the caller in this transaction. `delivered` proves the
   * delivery; `lost` declares the parcel lost; anything else is only recorded.
   */
  async onCarrierEvent(
    m: EntityManager,
    accountId: string,
    event: { id: string; type: string; trackingNumber: string; occurredAt: Date },
  ): Promise<{ saleOrderId: string; applied: boolean; state: SaleOrderState }> {
    const orderId = await this.saleOrders.idByTracking(m, accountId, event.trackingNumber);
    if (!orderId) throw new NotFound('Shipment', event.trackingNumber);
    await this.carrierAccounts.linkEventToOrder(m, orderId, accountId, event.id);
    const order = await this.saleOrders.lockOrderOrFail(m, orderId);
    if (order.state !== 'SHIPPED' || !['delivered', 'lost'].includes(event.type)) {
      return { saleOrderId: order.id, applied: false, state: order.state };
    }
    const updated =
      event.type === 'delivered'
        ? await this.deliver(m, order.id, SYSTEM_ACTOR, {
            proof: 'carrier',
            eventId: event.id,
            // Never before it was shipped, whatever the carrier's clock said.
            at:
              order.shippedAt && event.occurredAt < order.shippedAt
                ? order.shippedAt
                : event.occurredAt,
          })
        : await this.markLost(m, order.id, SYSTEM_ACTOR, 'carrier', `carrier event ${event.id}`);
    return { saleOrderId: order.id, applied: true, state: updated.state };
  }
}
