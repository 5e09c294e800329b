import { Inject, Injectable } from '@nestjs/common';
import { takesValue } from '../catalog/standards/grade-answers.js';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { ItemsService } from '../core/items/items.service.js';
import { PLATFORM_OWNER } from '../core/items/ownership.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  DisposeItem,
  ExpireTradeInOffer,
  ExpireTradeInQuote,
  ItemGraded,
  ItemReceived,
  NotifyOwner,
  OpenSupportCase,
  ReceivingExceptionRaised,
  type VehicleMileageFlagged,
  SchedulePickup,
  SecondGradingRequested,
  type ShipmentUpdatePayload,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { needsSecondGrader } from './domain/fairness.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { TransfersService } from '../money/transfers/transfers.service.js';
import { withTradeInMargin } from '../valuation/engine/margin.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { type HoldReason, TradeInItem, TradeInOrder } from './data/trade-in.entities.js';
import { declaredVehicleFactors, explainOffer, toDeduction } from './domain/offer-explanation.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import {
  PAYABLE_ITEM_STATES,
  SETTLED_ITEM_STATES,
  TradeInItemMachine,
  TradeInOrderMachine,
  type TradeInOrderState,
} from './domain/trade-in.machines.js';

type ItemGradedPayload = NonNullable<(typeof ItemGraded)['payload']>;
type ReceivingExceptionPayload = NonNullable<(typeof ReceivingExceptionRaised)['payload']>;
type ItemReceivedPayload = NonNullable<(typeof ItemReceived)['payload']>;

/** Orders in which grading results still count. */
const INSPECTABLE: readonly TradeInOrderState[] = ['IN_TRANSIT', 'INSPECTING', 'OFFER_PENDING'];
const MS_PER_DAY = 86_400_000;

/**
 * The platform's side of a trade-in: quotes, expiry, shipment news, receiving, grading results
 * and the settlement that follows (payouts, disposal, returns). Every handler re-reads the order
 * under a row lock and skips work already done, so a job delivered twice changes nothing.
 */
/** The payout transfer of one trade-in item: one per item, ever. */
export function payoutKey(tradeInItemId: string): string {
  return `trade-in-payout:${tradeInItemId}`;
}

@Injectable()
export class TradeInWorkflow {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly valuation: ValuationService,
    private readonly items: ItemsService,
    private readonly areas: ServiceAreasService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: LedgerService,
    private readonly transfers: TransfersService,
    private readonly orders: TradeInOrderRepository,
    private readonly payouts: TradeInPayoutRepository,
  ) {}

  /** The 'trade-in-payout' transfer hook: a frozen payout waits. */
  async payoutHoldReason(m: EntityManager, payoutId: string): Promise<string | null> {
    const status = await this.payouts.status(m, payoutId);
    return status === 'frozen' ? 'the trade-in payout is frozen' : null;
  }

  /** The 'trade-in-payout' transfer hook: the provider paid the seller (or refused for good). */
  async onPayoutSettled(
    m: EntityManager,
    t: { sourceId: string; state: string; providerRef: string | null },
  ): Promise<void> {
    await this.payouts.settle(
      m,
      t.sourceId,
      t.state === 'succeeded' ? 'paid' : 'failed',
      t.providerRef,
    );
  }

  /** Locks the order row for the rest of the transaction (serialises its handlers). */
  async lockOrder(m: EntityManager, orderId: string): Promise<TradeInOrder | null> {
    return this.orders.lockOrder(m, orderId);
  }

  itemsOf(m: EntityManager, orderId: string): Promise<TradeInItem[]> {
    return this.orders.itemsOf(m, orderId);
  }

  // ---- quote and expiry -----------------------------------------------------------------

  async quote(orderId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await this.lockOrder(m, orderId);
      if (!order || order.state !== 'QUOTING') return;
      const items = await this.itemsOf(m, orderId);
      const now = new Date();
      const penalty = 'confidencePenalty' in order.fraud ? order.fraud.confidencePenalty : 0;
      let total = 0;
      for (const it of items) {
        const v = withTradeInMargin(
          await this.valuation.value({
            productModelId: it.productModelId,
            categoryId: it.categoryId,
            variant: it.variant,
            declaredCondition: it.declaredCondition,
            extraFactors: declaredVehicleFactors(it.declaredCondition),
            confidencePenalty: penalty,
            valuationDate: now,
          }),
          this.config.acquisition.marginShare,
        );
        total += v.amountMinor;
        await this.orders.setQuote(m, it.id, v);
      }
      const validUntil = new Date(
        now.getTime() + this.config.acquisition.quoteValidityDays * MS_PER_DAY,
      );
      await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id: orderId,
        action: 'quote',
        actor: SYSTEM_ACTOR,
        patch: { quotedTotalMinor: total, quotedAt: now, quoteValidUntil: validUntil },
        data: { quotedTotalMinor: total, validUntil: validUntil.toISOString() },
        jobs: [
          job(ExpireTradeInQuote, { orderId }, validUntil),
          job(NotifyOwner, {
            userId: order.customerId,
            template: 'trade-in-quoted',
            params: { orderId, quotedTotalMinor: total, validUntil: validUntil.toISOString() },
          }),
        ],
      });
    });
  }

  async expire(orderId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await this.lockOrder(m, orderId);
      if (!order || order.state !== 'QUOTED' || !order.quoteValidUntil) return;
      const early = order.quoteValidUntil.getTime() - Date.now();
      if (early > 5 * 60_000) return; // re-quoted since: a later job expires it
      if (early > 0) throw new Error(`quote ${orderId} still valid for ${early} ms; retry`);
      await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id: orderId,
        action: 'expire',
        actor: SYSTEM_ACTOR,
        effects: (mm) => this.cancelItems(mm, orderId, SYSTEM_ACTOR),
      });
    });
  }

  /** An order that ends before collection takes its items off the journey. */
  async cancelItems(m: EntityManager, orderId: string, actor: Actor): Promise<void> {
    for (const it of await this.itemsOf(m, orderId)) {
      if (it.state === 'AWAITING_INSPECTION') {
        await this.transitions.apply(TradeInItemMachine, {
          manager: m,
          id: it.id,
          action: 'cancel',
          actor: SYSTEM_ACTOR,
        });
      }
      const item = await this.orders.journeyItem(m, it.itemId);
      if (item?.state === 'DECLARED') {
        await this.transitions.apply(ItemMachine, {
          manager: m,
          id: it.itemId,
          action: 'cancel',
          actor: actor.role === 'customer' ? actor : SYSTEM_ACTOR,
          checkAccess: false,
        });
      }
    }
  }

  // ---- logistics and receiving ----------------------------------------------------------

  async onShipmentUpdate(p: ShipmentUpdatePayload): Promise<void> {
    if (p.source.kind !== 'trade-in') return;
    await this.dataSource.transaction(async (m) => {
      const order = await this.lockOrder(m, p.source.id);
      if (!order) return;
      if (p.direction === 'inbound') {
        const pickup = {
          pickupId: p.pickupId,
          lastEvent: p.event,
          promisedWindow: p.promisedWindow,
          reason: p.reason,
          sealNumber: p.sealNumber,
          at: p.at,
        };
        if (p.event === 'collected' && order.state === 'ACCEPTED') {
          await this.transitions.apply(TradeInOrderMachine, {
            manager: m,
            id: order.id,
            action: 'collect',
            actor: SYSTEM_ACTOR,
            patch: { collectedAt: new Date(p.at), pickup },
            data: { pickupId: p.pickupId, sealNumber: p.sealNumber },
          });
        } else if (order.state === 'ACCEPTED' || order.state === 'IN_TRANSIT') {
          await this.orders.setPickupNews(m, order.id, pickup);
        }
        return;
      }
      if (
        p.direction === 'return-to-owner' &&
        p.event === 'delivered' &&
        order.channel === 'store'
      ) {
        // Back at the store: its staff hand the items over the counter (hand-back).
        const waiting: string[] = [];
        for (const itemId of p.itemIds) {
          const it = await this.orders.itemCarrying(m, itemId);
          if (!it || it.orderId !== order.id || it.atStoreSince) continue;
          await this.orders.markAtStore(m, it.id, new Date(p.at));
          waiting.push(itemId);
        }
        if (waiting.length > 0) {
          await this.outbox.write(m, [
            job(NotifyOwner, {
              userId: order.customerId,
              template: 'trade-in-return-at-store',
              params: { orderId: order.id, itemIds: waiting, storeId: order.storeId },
            }),
          ]);
        }
        return;
      }
      if (p.direction === 'return-to-owner' && p.event === 'delivered') {
        for (const itemId of p.itemIds) {
          const it = await this.orders.itemCarrying(m, itemId);
          if (!it || it.orderId !== order.id) continue;
          if (it.state === 'RETURNING') {
            await this.transitions.apply(TradeInItemMachine, {
              manager: m,
              id: it.id,
              action: 'mark-returned',
              actor: SYSTEM_ACTOR,
              data: { pickupId: p.pickupId },
            });
          }
          const item = await this.orders.journeyItem(m, itemId);
          if (item?.state === 'RETURNING_TO_OWNER') {
            await this.transitions.apply(ItemMachine, {
              manager: m,
              id: itemId,
              action: 'hand-back',
              actor: SYSTEM_ACTOR,
              checkAccess: false,
              custodian: { kind: 'owner', id: order.customerId },
              patch: { custodianKind: 'owner', custodianId: order.customerId },
            });
          }
        }
        await this.reconcile(m, order.id);
      }
    });
  }

  async onItemReceived(p: ItemReceivedPayload): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.itemCarrying(m, p.itemId);
      if (!found) return; // not a trade-in item (e.g. a buyer's return)
      const order = await this.lockOrder(m, found.orderId);
      if (!order) return;
      const it = await this.orders.itemOrFail(m, found.id);
      if (!it.receivedAt) {
        await this.orders.markReceived(m, it.id, new Date(), p.warehouseId);
        it.receivedAt = new Date();
        it.warehouseId = p.warehouseId;
      }
      if (order.state === 'CANCELLED' || order.state === 'EXPIRED') {
        await this.returnUnwanted(m, order, it);
        return;
      }
      await this.reconcile(m, order.id);
    });
  }

  /**
   * Items that reach a warehouse for an order that ended before collection (collected before
   * the cancel and collect transitions shared a lock, or by hand) are not dropped: each goes
   * back to its owner free, once every collected item of the order is in, and support hears of
   * it. Idempotent: an item already on its way back is skipped.
   */
  private async returnUnwanted(m: EntityManager, order: TradeInOrder, it: TradeInItem) {
    const item = await this.orders.journeyItem(m, it.itemId);
    if (item?.state !== 'RECEIVED') return;
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: it.itemId,
      action: 'return-to-owner',
      actor: SYSTEM_ACTOR,
      checkAccess: false,
      data: { reason: `arrived for a trade-in that is ${order.state}` },
    });
    const all = await this.itemsOf(m, order.id);
    const states = await this.orders.journeyItems(
      m,
      all.map((i) => i.itemId),
    );
    if (states.some((i) => i.state === 'IN_TRANSIT')) return; // the rest follow
    const back = all.filter((i) =>
      states.some((s) => s.id === i.itemId && s.state === 'RETURNING_TO_OWNER'),
    );
    await this.outbox.write(m, [
      await this.returnShipment(m, order, back, new Date()),
      job(OpenSupportCase, {
        kind: 'receiving-exception',
        dedupeKey: `trade-in-unwanted-arrival:${order.id}`,
        summary: `Items arrived for trade-in ${order.id}, which is ${order.state}: sent back to the owner free`,
        itemIds: back.map((i) => i.itemId),
        orderRef: { kind: 'trade-in', id: order.id },
        customerId: order.customerId,
        detail: { orderState: order.state, warehouseId: it.warehouseId },
      }),
    ]);
  }

  /**
   * ExpireTradeInOffer: an offer the owner never answered. The item goes back free, exactly
   * as if they had rejected it. While the order is held for review nothing moves (the sweeper
   * escalates it); an offer re-proposed since carries a later deadline and its own timer.
   */
  async expireOffer(tradeInItemId: string, now: Date = new Date()): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.findItem(m, tradeInItemId);
      if (!found) return;
      const order = await this.lockOrder(m, found.orderId);
      const it = await this.orders.itemOrFail(m, found.id);
      if (!order || it.state !== 'OFFER_PENDING' || order.held) return;
      const early = (it.offerValidUntil?.getTime() ?? 0) - now.getTime();
      if (early > 5 * 60_000) return;
      if (early > 0) throw new Error(`offer ${it.id} still valid for ${early} ms; retry`);
      await this.sendBack(m, order, it, {
        action: 'expire-offer',
        actor: SYSTEM_ACTOR,
        reason: 'the owner did not answer the final offer in time',
      });
    });
  }

  /**
   * The owner turned the offer down (reject-offer) or let it lapse (expire-offer): the item
   * goes back to them free. Its return shipment leaves when every item of the order is
   * settled (reconcile), so the items of one order travel back together.
   */
  async sendBack(
    m: EntityManager,
    order: TradeInOrder,
    it: TradeInItem,
    opts: {
      action: 'reject-offer' | 'expire-offer';
      actor: Actor;
      expectedVersion?: number;
      reason: string;
    },
  ): Promise<void> {
    await this.transitions.apply(TradeInItemMachine, {
      manager: m,
      id: it.id,
      action: opts.action,
      actor: opts.actor,
      expectedVersion: opts.expectedVersion,
      data: { finalMinor: it.finalMinor, reason: opts.reason },
      jobs:
        opts.action === 'expire-offer'
          ? [
              job(NotifyOwner, {
                userId: order.customerId,
                template: 'trade-in-offer-expired',
                params: { orderId: order.id, itemId: it.itemId, finalMinor: it.finalMinor },
              }),
            ]
          : [],
      effects: async (mm) => {
        await this.transitions.apply(ItemMachine, {
          manager: mm,
          id: it.itemId,
          action: 'return-to-owner',
          actor: SYSTEM_ACTOR,
          checkAccess: false,
          data: { reason: opts.reason },
        });
      },
    });
    await this.reconcile(m, order.id);
  }

  async onReceivingException(p: ReceivingExceptionPayload): Promise<void> {
    if (!p.itemId) return;
    const itemId = p.itemId;
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.itemCarrying(m, itemId);
      if (!found || found.payoutFrozen) return;
      await this.lockOrder(m, found.orderId);
      const it = await this.orders.itemOrFail(m, found.id);
      // Frozen meanwhile, or no payout will ever come (the item went back or was cancelled).
      if (it.payoutFrozen || !PAYABLE_ITEM_STATES.includes(it.state)) return;
      const reason = `${p.kind}: ${p.detail}`.slice(0, 500);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'freeze-payout',
        actor: SYSTEM_ACTOR,
        patch: { payoutFrozen: true, frozenReason: reason },
        data: { exceptionId: p.exceptionId, kind: p.kind, detail: p.detail },
        effects: async (mm) => {
          await this.payouts.freeze(mm, it.id);
        },
      });
    });
  }

  /**
   * VehicleMileageFlagged: the car's odometer history is flagged (rollback or implausible), so
   * its payout is held — before it exists (created frozen) or after (frozen now) — until an
   * admin or a warehouse lead decides. Once decided, a later flag of the same car does not
   * hold it again. Idempotent.
   */
  async onVehicleMileageFlagged(p: JobPayload<typeof VehicleMileageFlagged>): Promise<void> {
    for (const itemId of p.itemIds) {
      await this.dataSource.transaction(async (m) => {
        const found = await this.orders.itemCarrying(m, itemId);
        if (!found) return; // not a trade-in item (a car the platform already owned)
        await this.lockOrder(m, found.orderId);
        const it = await this.orders.itemOrFail(m, found.id);
        if (it.mileageHold || it.mileageDecision) return;
        // No payout will ever come for a car that went back or was cancelled: nothing to hold.
        if (!PAYABLE_ITEM_STATES.includes(it.state)) return;
        const detail = {
          vin: p.vin,
          status: p.status,
          evidence: p.evidence,
          heldAt: new Date().toISOString(),
        };
        await this.transitions.apply(TradeInItemMachine, {
          manager: m,
          id: it.id,
          action: 'hold-payout',
          actor: SYSTEM_ACTOR,
          patch: { mileageHold: true, mileageHoldDetail: detail },
          data: { reason: 'vehicle-mileage', ...detail },
          effects: async (mm) => {
            await this.payouts.freeze(mm, it.id);
          },
        });
      });
    }
  }

  // ---- grading → final offer ------------------------------------------------------------

  async onItemGraded(p: ItemGradedPayload): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.itemCarrying(m, p.itemId);
      if (!found) return;
      const order = await this.lockOrder(m, found.orderId);
      if (!order || !INSPECTABLE.includes(order.state)) return;
      const it = await this.orders.itemOrFail(m, found.id);
      if (it.state !== 'AWAITING_INSPECTION' && it.state !== 'SECOND_GRADING') return;
      if (
        it.state === 'SECOND_GRADING' &&
        !p.confirmedBySecondGrader &&
        it.inspectionId === p.inspectionId
      ) {
        return; // the same result delivered again
      }
      if (!it.quote || it.quotedMinor === null)
        throw new Error(`trade-in item ${it.id} has no quote`);

      const final = withTradeInMargin(
        await this.valuation.value({
          productModelId: it.productModelId,
          categoryId: it.categoryId,
          grade: p.grade,
          variant: it.variant,
          declaredCondition: it.declaredCondition,
          defects: p.findings.filter(takesValue).map(toDeduction),
          extraFactors: declaredVehicleFactors(it.declaredCondition),
          // Same date and parameters as the quote: only what inspection found moves the price.
          valuationDate: new Date(it.quote.valuationDate),
          paramsVersion: it.quote.paramsVersion,
          confidencePenalty: 'confidencePenalty' in order.fraud ? order.fraud.confidencePenalty : 0,
        }),
        // A quote given before margins existed keeps its basis: no margin on its final price.
        it.quote.lines.some((l) => l.code === 'trade-in-margin')
          ? this.config.acquisition.marginShare
          : 0,
      );
      const explanation = explainOffer(it.quote, final, p);
      const quotedMinor = it.quotedMinor;
      const finalMinor = final.amountMinor;
      const patch = {
        final,
        finalMinor,
        explanation,
        inspectionId: p.inspectionId,
        grade: p.grade,
        confirmedBySecondGrader: p.confirmedBySecondGrader,
      };
      const secondGrader =
        !p.confirmedBySecondGrader &&
        needsSecondGrader({
          quotedMinor,
          finalMinor,
          maxCutShare: this.config.acquisition.maxCutShare,
        });
      const withinTolerance =
        quotedMinor - finalMinor <= this.config.acquisition.offerTolerance * quotedMinor + 1e-9;

      if (p.hold) {
        await this.hold(m, order, {
          code: 'grading-hold',
          detail: `inspection ${p.inspectionId} asked to hold the item`,
          at: new Date().toISOString(),
          itemId: p.itemId,
        });
      }
      const askSecond = job(SecondGradingRequested, {
        itemId: p.itemId,
        inspectionId: p.inspectionId,
        quotedMinor,
        finalMinor,
      });
      if (secondGrader && it.state === 'SECOND_GRADING') {
        // A new first-grader result while waiting: ask again for this inspection.
        await this.orders.setGrading(m, it.id, patch);
        await this.outbox.write(m, [askSecond]);
        return;
      }
      const action = secondGrader
        ? 'request-second-grading'
        : withinTolerance
          ? 'confirm-offer'
          : 'propose-offer';
      const offerValidUntil =
        action === 'propose-offer'
          ? new Date(Date.now() + this.config.acquisition.offerValidityDays * MS_PER_DAY)
          : null;
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action,
        actor: SYSTEM_ACTOR,
        patch: { ...patch, offerValidUntil },
        data: {
          grade: p.grade,
          quotedMinor,
          finalMinor,
          inspectionId: p.inspectionId,
          ...(offerValidUntil ? { offerValidUntil: offerValidUntil.toISOString() } : {}),
        },
        jobs: secondGrader
          ? [askSecond]
          : offerValidUntil
            ? [
                job(NotifyOwner, {
                  userId: order.customerId,
                  template: 'trade-in-offer-pending',
                  params: {
                    orderId: order.id,
                    itemId: p.itemId,
                    quotedMinor,
                    finalMinor,
                    validUntil: offerValidUntil.toISOString(),
                  },
                }),
                job(ExpireTradeInOffer, { tradeInItemId: it.id }, offerValidUntil),
              ]
            : [],
      });
      await this.reconcile(m, order.id);
    });
  }

  // ---- settlement ---------------------------------------------------------------------

  /**
   * Holds the order for review (idempotent per reason code and item) and opens a case: the
   * order's `hold` self-loop, under the order's row lock (another order held for the same
   * identifier may be moving at this moment).
   */
  async hold(m: EntityManager, order: TradeInOrder, reason: HoldReason): Promise<void> {
    const current = (await this.lockOrder(m, order.id)) ?? order;
    if (current.holdReasons.some((r) => r.code === reason.code && r.itemId === reason.itemId)) {
      return;
    }
    const holdReasons = [...current.holdReasons, reason];
    const itemIds = (await this.itemsOf(m, order.id)).map((i) => i.itemId);
    const held = await this.transitions.apply(TradeInOrderMachine, {
      manager: m,
      id: order.id,
      action: 'hold',
      actor: SYSTEM_ACTOR,
      patch: { held: true, holdReasons },
      data: { code: reason.code },
      jobs: [
        job(OpenSupportCase, {
          kind: 'fraud-review',
          dedupeKey: `trade-in-hold:${order.id}:${reason.code}:${reason.itemId ?? ''}`,
          summary: `Trade-in ${order.id} held for review: ${reason.code}`,
          itemIds,
          orderRef: { kind: 'trade-in', id: order.id },
          customerId: order.customerId,
          detail: { ...reason },
        }),
      ],
    });
    order.held = true;
    order.holdReasons = holdReasons;
    order.version = held.version;
  }

  /**
   * Moves the order on from its items: all received → INSPECTING; an offer pending → OFFER_PENDING;
   * all settled → COMPLETED, or RETURNING/RETURNED when some go back. Accepted items get their
   * payout (once) and a DisposeItem job. Nothing moves while the order is held for review.
   */
  async reconcile(m: EntityManager, orderId: string): Promise<void> {
    const order = await this.orders.orderOrFail(m, orderId);
    if (order.held) return;
    const items = await this.itemsOf(m, orderId);
    const jobs: OutboxJob[] = [];
    for (const it of items) {
      if (it.state === 'ACCEPTED') jobs.push(...(await this.createPayout(m, order, it)));
    }
    if (jobs.length) await this.outbox.write(m, jobs);

    let state = order.state;
    const apply = async (action: string, patch: { settledAt?: Date } = {}) => {
      const updated = await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id: orderId,
        action,
        actor: SYSTEM_ACTOR,
        patch,
      });
      state = updated.state;
    };
    if (state === 'IN_TRANSIT' && items.every((i) => i.receivedAt !== null)) {
      await apply('start-inspection');
    }
    const settled = items.every((i) => SETTLED_ITEM_STATES.includes(i.state));
    const goingBack = items.filter((i) => i.state === 'RETURNING' || i.state === 'RETURNED');
    const allBack = goingBack.every((i) => i.state === 'RETURNED');
    if (state === 'INSPECTING' || state === 'OFFER_PENDING') {
      if (settled && goingBack.length === 0) {
        await apply('complete', { settledAt: new Date() });
      } else if (settled) {
        await apply('start-return');
        const back = goingBack.filter((i) => i.state === 'RETURNING');
        if (back.length > 0) {
          await this.outbox.write(m, [await this.returnShipment(m, order, back, new Date())]);
        }
      } else if (state === 'INSPECTING' && items.some((i) => i.state === 'OFFER_PENDING')) {
        await apply('await-owner');
      }
    }
    if (state === 'RETURNING' && allBack) await apply('finish-return', { settledAt: new Date() });
  }

  /** The item's payout, created exactly once (unique per item), with its DisposeItem job. */
  private async createPayout(
    m: EntityManager,
    order: TradeInOrder,
    it: TradeInItem,
  ): Promise<OutboxJob[]> {
    if (it.finalMinor === null) throw new Error(`trade-in item ${it.id} has no final price`);
    const payoutId = await this.payouts.createOnce(m, {
      orderId: order.id,
      tradeInItemId: it.id,
      itemId: it.itemId,
      customerId: order.customerId,
      amountMinor: it.finalMinor,
      currency: order.currency,
      status: it.payoutFrozen || it.mileageHold ? 'frozen' : 'payable',
    });
    if (payoutId === null) return [];
    // Paid out: the platform owns the item now; the seller's period of its history ends here.
    await this.items.transferOwnership(m, it.itemId, PLATFORM_OWNER, 'trade-in-paid-out');
    // The platform bought the item: it owes the seller the final price (paid out later, even
    // when the payout is frozen for now — the debt exists).
    await this.ledger.post(m, {
      kind: 'trade-in-purchase',
      key: `trade-in-purchase:${it.id}`,
      ref: { kind: 'trade-in-payout', id: payoutId },
      memo: `item ${it.itemId} bought on trade-in ${order.id}`,
      currency: order.currency,
      lines: [
        { account: account.purchases(), amountMinor: it.finalMinor },
        { account: account.sellerPayable(order.customerId), amountMinor: -it.finalMinor },
      ],
    });
    if (it.finalMinor > 0) {
      // Paid through the provider by a job; a frozen payout waits (the 'trade-in-payout'
      // hook holds it) until released.
      await this.transfers.requestPayout(m, {
        key: payoutKey(it.id),
        party: { kind: 'user', id: order.customerId },
        accountKind: 'seller-payable',
        amountMinor: it.finalMinor,
        currency: order.currency,
        source: { kind: 'trade-in-payout', id: payoutId },
        reason: `Reloop trade-in ${order.id}`,
        context: {
          orderRef: { kind: 'trade-in', id: order.id },
          customerId: order.customerId,
          itemIds: [it.itemId],
        },
      });
    }
    return [
      job(DisposeItem, { itemId: it.itemId }),
      job(NotifyOwner, {
        userId: order.customerId,
        template: 'trade-in-payout',
        params: { orderId: order.id, itemId: it.itemId, amountMinor: it.finalMinor },
      }),
    ];
  }

  /**
   * The items' free return shipment: to the owner's address, or — for a store drop-off, which
   * has no address of the owner — to the store, where the owner collects them.
   */
  async returnShipment(
    m: EntityManager,
    order: TradeInOrder,
    items: TradeInItem[],
    at: Date,
  ): Promise<OutboxJob> {
    const base = {
      direction: 'return-to-owner' as const,
      source: { kind: 'trade-in' as const, id: order.id },
      customerId: order.customerId,
      itemIds: items.map((i) => i.itemId),
      warehouseId: items.find((i) => i.warehouseId)?.warehouseId ?? null,
      requestedAt: at.toISOString(),
      specialPackaging: items.some((i) => i.specialPackaging),
    };
    if (order.channel !== 'store') return job(SchedulePickup, { ...base, address: order.address });
    if (!order.storeId) throw new Error(`store trade-in ${order.id} names no store`);
    const store = await this.areas.getStore(order.storeId, m);
    return job(SchedulePickup, {
      ...base,
      address: {
        cityCode: store.cityCode,
        districtCode: store.districtCode,
        line1: store.address,
        contactName: store.name,
        contactPhone: '',
      },
      storeId: order.storeOrganisationId,
    });
  }
}
