import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  ExpireSaleReservation,
  NotifyOwner,
  OpenVehiclePaperwork,
  WithdrawUncertifiedItem,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { InboundEvent } from '../notifications/webhooks/inbound-handlers.registry.js';
import { webhookEvent } from '../notifications/webhooks/webhook-events.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { SaleOrder } from './data/resale.entities.js';
import { ListingMachine, SaleOrderMachine } from './domain/resale.machines.js';
import { SaleCheckoutService } from './sale-checkout.service.js';
import { erasureBlocked } from './sale-orders.service.js';
import { SaleRefundsService } from './sale-refunds.service.js';
import { ListingRepository } from './data/listing.repository.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';

/**
 * What moves a sale order without a person: the payment provider's confirmation (a verified
 * inbound webhook), the reservation's timer (ExpireSaleReservation) and the erasure gate's
 * withdrawal of an item that lost its certificate (WithdrawUncertifiedItem).
 */
@Injectable()
export class SaleOrderEventsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly saleOrders: SaleOrderRepository,
    private readonly listings: ListingRepository,
    private readonly ledger: LedgerService,
    private readonly checkouts: SaleCheckoutService,
    private readonly refunds: SaleRefundsService,
  ) {}

  /**
   * The provider's signed confirmation (in the transaction that stores the inbound event, which
   * is unique per event id, so a resend is never applied twice). Paid: the listing and the item
   * are sold. A payment that arrives after the reservation expired is refunded.
   */
  async onPaymentConfirmed(m: EntityManager, event: InboundEvent): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const intentId = typeof data.intentId === 'string' ? data.intentId : null;
    const amount = data.amountMinor;
    if (!intentId || typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
      throw new BadRequestException('payment event needs data.intentId and data.amountMinor');
    }
    const order = await this.saleOrders.lockByPaymentIntent(m, intentId, event.provider);
    if (!order) throw new NotFound('Payment intent', intentId);
    if (order.state === 'CANCELLED') {
      if (order.refundMinor === null)
        await this.refundLatePayment(m, order, amount, event.provider);
      return;
    }
    if (order.state !== 'PENDING_PAYMENT') return; // another event for an order already paid
    if (amount !== order.priceMinor || data.currency !== order.currency) {
      throw new ConflictException(
        `payment of ${String(amount)} ${String(data.currency)} does not match the order's ${order.priceMinor} ${order.currency}`,
      );
    }
    const paidAt = new Date();
    const item = await this.saleOrders.itemOf(order.itemId, m);
    if (erasureBlocked(item)) {
      // Paid in the moment between the revocation and its withdrawal job: no sale, refund.
      await this.cancelUncertified(m, order, 'the item lost its erasure certificate');
      await this.refundLatePayment(m, order, amount, event.provider);
      return;
    }
    await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id: order.id,
      action: 'pay',
      actor: SYSTEM_ACTOR,
      patch: { paidAt, paymentEventId: event.eventId },
      data: { provider: event.provider, eventId: event.eventId, amountMinor: amount },
      jobs: (o) => [
        webhookEvent({
          organisationId: o.merchantId,
          type: 'sale-order.paid',
          data: {
            saleOrderId: o.id,
            listingId: o.listingId,
            itemId: o.itemId,
            amountMinor: amount,
          },
        }),
        // A car's paperwork (transfer, registration, insurance) starts once it is paid for.
        ...(item.vin
          ? [
              job(OpenVehiclePaperwork, {
                saleOrderId: o.id,
                itemIds: [o.itemId],
                merchantOrganisationId: o.merchantId,
                buyerId: o.buyerId,
              }),
            ]
          : []),
      ],
    });
    await this.transitions.apply(ListingMachine, {
      manager: m,
      id: order.listingId,
      action: 'sell',
      actor: SYSTEM_ACTOR,
      patch: { soldAt: paidAt },
      data: { saleOrderId: order.id },
    });
    // Sold at payment: from now on nobody else may buy or list the item.
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: order.itemId,
      action: 'sell',
      actor: SYSTEM_ACTOR,
      data: { saleOrderId: order.id, priceMinor: order.priceMinor },
    });
    // The buyer's money is at the provider; the merchant is owed the sale.
    await this.ledger.post(m, {
      kind: 'payment',
      key: `payment:${order.id}`,
      ref: { kind: 'sale-order', id: order.id },
      memo: `payment of sale order ${order.id} (${event.provider} event ${event.eventId})`,
      currency: order.currency,
      provider: { name: event.provider, ref: intentId },
      lines: [
        { account: account.providerClearing(event.provider), amountMinor: amount },
        { account: account.merchantPayable(order.merchantId), amountMinor: -amount },
      ],
    });
  }

  /** A payment for an order that is no longer for sale: the money is the buyer's, refunded. */
  private async refundLatePayment(
    m: EntityManager,
    order: SaleOrder,
    amount: number,
    provider: string,
  ) {
    await this.ledger.post(m, {
      kind: 'payment',
      key: `payment:${order.id}`,
      ref: { kind: 'sale-order', id: order.id },
      memo: `late payment of cancelled sale order ${order.id}: owed back to the buyer`,
      currency: order.currency,
      ...(order.paymentIntentId
        ? { provider: { name: provider, ref: order.paymentIntentId } }
        : {}),
      lines: [
        { account: account.providerClearing(provider), amountMinor: amount },
        { account: account.refundsPayable(order.buyerId), amountMinor: -amount },
      ],
    });
    const refund = await this.refunds.refund(
      m,
      { ...order, paymentProvider: provider, priceMinor: amount },
      'late-payment-refund',
      amount,
      'payment after the reservation expired',
      'payment',
    );
    await this.saleOrders.markLatePaymentRefunded(m, order.id, amount, refund);
  }

  /**
   * WithdrawUncertifiedItem (issue 17): the item lost its erasure certificate. Every listing of
   * it leaves the market: an unpaid reservation is cancelled (the buyer is told), the listing is
   * withdrawn and the item unlisted. Idempotent; nothing to do once the item is certified again.
   */
  async withdrawUncertified(p: JobPayload<typeof WithdrawUncertifiedItem>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const item = await this.saleOrders.lockItem(m, p.itemId);
      if (!item) throw new Error(`Item ${p.itemId} not found`);
      if (!erasureBlocked(item)) return; // certified again meanwhile
      const listings = await this.listings.lockOpenOfItem(m, item.id);
      for (const listing of listings) {
        if (listing.state === 'RESERVED') {
          const orders = await this.saleOrders.lockUnpaidOfListing(m, listing.id);
          for (const order of orders) await this.cancelUncertified(m, order, p.reason);
        }
        const current = await this.listings.listingOrFail(m, listing.id);
        await this.transitions.apply(ListingMachine, {
          manager: m,
          id: current.id,
          action: 'withdraw',
          actor: SYSTEM_ACTOR,
          patch: { withdrawnAt: new Date() },
          data: { reason: p.reason, erasure: item.erasureStatus },
        });
        if (current.state === 'PUBLISHED' && item.state === 'LISTED') {
          await this.transitions.apply(ItemMachine, {
            manager: m,
            id: item.id,
            action: 'unlist',
            actor: SYSTEM_ACTOR,
            data: { listingId: current.id, reason: p.reason },
          });
          item.state = 'ALLOCATED';
        }
      }
    });
  }

  /** An unpaid order of an item that lost its certificate: cancelled, the buyer told. */
  private async cancelUncertified(m: EntityManager, order: SaleOrder, reason: string) {
    const cancelReason = `withdrawn from sale: ${reason}`;
    await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id: order.id,
      action: 'cancel-by-platform',
      actor: SYSTEM_ACTOR,
      patch: { cancelReason },
      data: { reason: cancelReason },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-cancelled',
          params: {
            message: 'The item you reserved was withdrawn from sale; you have not been charged',
            saleOrderId: o.id,
            listingId: o.listingId,
            reason: cancelReason,
          },
        }),
      ],
    });
    await this.transitions.apply(ListingMachine, {
      manager: m,
      id: order.listingId,
      action: 'release-reservation',
      actor: SYSTEM_ACTOR,
      data: { saleOrderId: order.id, reason: cancelReason },
    });
  }

  /** ExpireSaleReservation: still unpaid at the end of the reservation → cancelled. */
  async expire(payload: JobPayload<typeof ExpireSaleReservation>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await this.saleOrders.lockOrder(m, payload.saleOrderId);
      if (!order) throw new Error(`Sale order ${payload.saleOrderId} not found`);
      if (order.state !== 'PENDING_PAYMENT') return; // paid or cancelled meanwhile
      if (order.reservedUntil.getTime() > Date.now() + 1000) {
        throw new Error(
          `Reservation of ${order.id} runs until ${order.reservedUntil.toISOString()}`,
        );
      }
      await this.checkouts.endReservation(
        m,
        order.id,
        'expire',
        SYSTEM_ACTOR,
        'reservation expired unpaid',
      );
    });
  }
}
