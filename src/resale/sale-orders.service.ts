import { ConflictException, ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { seesEverything, type Actor } from '../core/actor.js';
import { NotFound, stateConflict } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { Item } from '../core/items/item.entity.js';
import type { ShipmentAddress } from '../core/jobs/job-catalogue.js';
import { returnDeadline } from './domain/pricing.js';
import {
  PAYMENT_PROVIDER,
  type PaymentIntent,
  type PaymentProvider,
} from '../money/providers/payment-provider.js';
import type { AddressDto } from '../core/http/address.dto.js';
import type { SaleOrderQuery } from './api/resale.dto.js';
import { SaleOrder } from './data/resale.entities.js';
import { SaleOrderAccess, SaleOrderMachine } from './domain/resale.machines.js';
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
 * This service holds the views and reads, the payment intent (it moves no state: the provider's
 * intent for the order, made once) and the checks before money moves. The rest is split by what
 * sets it going: the buyer's checkout and cancel are `SaleCheckoutService`; shipping, delivery
 * and a lost parcel (the merchant, the buyer, staff or the carrier's webhook) are
 * `SaleShippingService`; what no person triggers (payment confirmation, the reservation timer,
 * the erasure withdrawal) is `SaleOrderEventsService`, returns are `SaleReturnsService` and
 * `SaleReturnEventsService`, refunds `SaleRefundsService`.
 *
 * The class keeps its name and the controller field `orders`: they name the OpenAPI component
 * `OrdersView` that every sale-order route answers with.
 */
@Injectable()
export class SaleOrdersService {
  constructor(
    private readonly saleOrders: SaleOrderRepository,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
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
  async lockFor(
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
}
