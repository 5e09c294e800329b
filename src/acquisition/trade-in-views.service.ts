import { Injectable } from '@nestjs/common';
import { type Actor, seesEverything } from '../core/actor.js';
import type { Page } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { ItemsService } from '../core/items/items.service.js';
import type { ShipmentAddress } from '../core/jobs/job-catalogue.js';
import type { FraudAssessment } from '../valuation/engine/fraud.js';
import type { ItemValuation } from '../valuation/valuation.service.js';
import type { TradeInQuery } from './api/trade-ins.dto.js';
import { TradeInOrder } from './data/trade-in.entities.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import {
  TradeInItemMachine,
  TradeInOrderAccess,
  TradeInOrderMachine,
} from './domain/trade-in.machines.js';

function valuationView(v: ItemValuation | null) {
  if (!v) return null;
  return {
    amountMinor: v.amountMinor,
    lowMinor: v.lowMinor,
    highMinor: v.highMinor,
    currency: v.currency,
    confidence: Math.round(v.confidence * 1000) / 1000,
    grade: v.details.grade,
    gradeSource: v.details.gradeSource,
    lines: v.lines,
    modelVersion: v.modelVersion,
  };
}

/** Reads of trade-ins: one order with its items and payouts, and pages of orders. */
@Injectable()
export class TradeInViews {
  constructor(
    private readonly items: ItemsService,
    private readonly orders: TradeInOrderRepository,
    private readonly payouts: TradeInPayoutRepository,
  ) {}

  async get(actor: Actor, id: string): Promise<TradeInOrder> {
    const order = await this.orders.findOrder(id);
    return TradeInOrderAccess.assertVisible(order, actor, id);
  }

  async list(actor: Actor, q: TradeInQuery): Promise<Page<ReturnType<TradeInViews['summary']>>> {
    const page = await this.orders.page(actor, q);
    return { ...page, items: page.items.map((o) => this.summary(actor, o)) };
  }

  summary(actor: Actor, o: TradeInOrder) {
    return withActions(TradeInOrderMachine, o, actor, {
      id: o.id,
      customerId: o.customerId,
      channel: o.channel,
      quotedTotal:
        o.quotedTotalMinor === null
          ? null
          : { amountMinor: o.quotedTotalMinor, currency: o.currency },
      quoteValidUntil: o.quoteValidUntil,
      held: o.held,
      createdAt: o.createdAt,
    });
  }

  async view(actor: Actor, order: TradeInOrder) {
    const items = await this.orders.itemsOf(order.id);
    const payouts = await this.payouts.ofOrder(order.id);
    const traceCodes = await this.items.traceCodes(items.map((i) => i.itemId));
    const staff = seesEverything(actor);
    const fraud = order.fraud as Partial<FraudAssessment>;
    // A store order may come without an address (the owner hands the items in).
    const address: Partial<ShipmentAddress> = order.address;
    // The order's store staff act on its items too (hand-back over the counter).
    const atTheirStore = actor.role === 'warehouse' && TradeInOrderAccess.canSee(order, actor);
    const itemMachine = atTheirStore
      ? { ...TradeInItemMachine, canAccess: () => true }
      : TradeInItemMachine;
    return withActions(TradeInOrderMachine, order, actor, {
      id: order.id,
      customerId: order.customerId,
      channel: order.channel,
      storeId: order.storeId,
      address,
      serviceArea: order.serviceArea,
      currency: order.currency,
      quotedTotal:
        order.quotedTotalMinor === null
          ? null
          : { amountMinor: order.quotedTotalMinor, currency: order.currency },
      quotedAt: order.quotedAt,
      quoteValidUntil: order.quoteValidUntil,
      acceptedAt: order.acceptedAt,
      collectedAt: order.collectedAt,
      settledAt: order.settledAt,
      pickup: order.pickup,
      held: order.held,
      // Owners see that the order is under review; the signals (other orders' ids) are staff-only.
      holdReasons: staff ? order.holdReasons : order.holdReasons.map((r) => ({ code: r.code })),
      fraud: staff
        ? { signals: fraud.signals ?? [], confidencePenalty: fraud.confidencePenalty ?? 0 }
        : undefined,
      items: items.map((it) => {
        const payout = payouts.find((p) => p.tradeInItemId === it.id);
        return withActions(itemMachine, it, actor, {
          id: it.id,
          itemId: it.itemId,
          traceCode: traceCodes.get(it.itemId) ?? null,
          position: it.position,
          productModelId: it.productModelId,
          categoryId: it.categoryId,
          variant: it.variant,
          declaredCondition: it.declaredCondition,
          serialNumber: it.serialNumber,
          imei: it.imei,
          quote: valuationView(it.quote),
          finalOffer: valuationView(it.final),
          explanation: it.explanation,
          grade: it.grade,
          inspectionId: it.inspectionId,
          receivedAt: it.receivedAt,
          offerValidUntil: it.offerValidUntil,
          atStoreSince: it.atStoreSince,
          payoutFrozen: it.payoutFrozen,
          frozenReason: staff ? it.frozenReason : undefined,
          // A car's mileage flag holding the payout, with its evidence (no personal data).
          mileageHold: it.mileageHold ? it.mileageHoldDetail : null,
          mileageDecision: it.mileageDecision
            ? { decision: it.mileageDecision.decision, at: it.mileageDecision.at }
            : null,
          payout: payout
            ? {
                id: payout.id,
                amountMinor: payout.amountMinor,
                currency: payout.currency,
                status: payout.status,
                paidAt: payout.paidAt,
                createdAt: payout.createdAt,
              }
            : null,
        });
      }),
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    });
  }
}
