import { Inject, Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { ValuationService } from '../valuation/valuation.service.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from '../money/providers/payment-provider.js';
import { TransfersService } from '../money/transfers/transfers.service.js';
import { NotifyOwner } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { SaleOrder } from './data/resale.entities.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';

/** Why a refund is made: with the order id it is the provider's idempotency key. */
export type RefundCause = 'cancel-refund' | 'lost-refund' | 'return-refund' | 'late-payment-refund';

export function refundKey(orderId: string, cause: RefundCause): string {
  return `sale-order:${orderId}:${cause}`;
}

/** A refund asked for: its key, and `pending` until the provider answers. */
export interface RefundAsked {
  key: string;
  status: 'pending' | 'succeeded';
}

/** The order's columns that record its refund (the 'sale-order' transfer hook settles the status). */
export const refundColumns = (refundMinor: number, refund: RefundAsked) => ({
  refundMinor,
  refundStatus: refund.status,
  refundKey: refund.key,
});

/** The buyer is told the whole price is on its way back (a cancelled paid order, a lost parcel). */
export const priceRefundedNotice = (o: SaleOrder, template: string) =>
  job(NotifyOwner, {
    userId: o.buyerId,
    template,
    params: { saleOrderId: o.id, amountMinor: o.priceMinor, currency: o.currency },
  });

/**
 * Refunds of sale orders, for every cause (a cancelled paid order, a lost parcel, a return, a
 * payment that came too late), and the provider's answer (the 'sale-order' transfer hook).
 */
@Injectable()
export class SaleRefundsService {
  constructor(
    private readonly valuation: ValuationService,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
    private readonly ledger: LedgerService,
    private readonly transfers: TransfersService,
    private readonly saleOrders: SaleOrderRepository,
  ) {}

  /**
   * Asks for a refund in the caller's transaction: the merchant's payable is charged now (the
   * merchant keeps a deducted damage), and the refund itself runs as an outbox job under a key
   * derived from the order and the cause, so a retry — a job re-run, a resent webhook — never
   * refunds twice. The provider's answer comes back through the 'sale-order' transfer hook.
   */
  async refund(
    m: EntityManager,
    order: Pick<
      SaleOrder,
      | 'id'
      | 'merchantId'
      | 'buyerId'
      | 'itemId'
      | 'currency'
      | 'priceMinor'
      | 'paymentProvider'
      | 'paymentIntentId'
    >,
    cause: RefundCause,
    amountMinor: number,
    reason: string,
    owedBy: 'merchant' | 'payment' = 'merchant',
  ): Promise<RefundAsked> {
    const key = refundKey(order.id, cause);
    // A refunded sale no longer stands: it stops feeding comparables and refits at once.
    await this.valuation.withdrawSale(m, 'resale', order.id, cause);
    if (amountMinor <= 0) return { key, status: 'succeeded' }; // nothing to give back
    const ref = { kind: 'sale-order', id: order.id };
    if (owedBy === 'merchant') {
      await this.ledger.post(m, {
        kind: 'refund-owed',
        key: `refund-owed:${key}`,
        ref,
        memo: `${cause} of sale order ${order.id}: ${reason}`,
        currency: order.currency,
        lines: [
          { account: account.merchantPayable(order.merchantId), amountMinor },
          { account: account.refundsPayable(order.buyerId), amountMinor: -amountMinor },
        ],
      });
    }
    await this.transfers.requestRefund(m, {
      key,
      provider: order.paymentProvider ?? this.payments.name,
      buyerId: order.buyerId,
      amountMinor,
      currency: order.currency,
      paymentRef: order.paymentIntentId ?? '',
      paymentTotalMinor: order.priceMinor,
      source: ref,
      reason,
      context: {
        orderRef: { kind: 'sale-order', id: order.id },
        customerId: order.buyerId,
        itemIds: [order.itemId],
        organisationId: order.merchantId,
      },
    });
    return { key, status: 'pending' };
  }

  /** The 'sale-order' transfer hook: the provider answered a refund of this order. */
  async onRefundSettled(
    m: EntityManager,
    t: { key: string; sourceId: string; state: string; providerRef: string | null },
  ): Promise<void> {
    await this.saleOrders.settleRefund(m, t);
  }
}
