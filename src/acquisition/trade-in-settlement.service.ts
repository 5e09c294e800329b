import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { PLATFORM_OWNER } from '../core/items/ownership.js';
import { ItemsService } from '../core/items/items.service.js';
import {
  DisposeItem,
  NotifyOwner,
  OpenSupportCase,
  SchedulePickup,
} from '../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { TransfersService } from '../money/transfers/transfers.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { type HoldReason, TradeInItem, TradeInOrder } from './data/trade-in.entities.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import {
  SETTLED_ITEM_STATES,
  TradeInItemMachine,
  TradeInOrderMachine,
} from './domain/trade-in.machines.js';

/** The payout transfer of one trade-in item: one per item, ever. */
export function payoutKey(tradeInItemId: string): string {
  return `trade-in-payout:${tradeInItemId}`;
}

/**
 * Where a trade-in ends, whatever moved it (an owner, an operator or a job): the order moves on
 * from its items (reconcile), accepted items get their payout (once), items going back get their
 * return shipment, the order is held for review, and the payout transfer's hooks answer here.
 * Callers hold the order's row lock.
 */
@Injectable()
export class TradeInSettlement {
  constructor(
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly items: ItemsService,
    private readonly areas: ServiceAreasService,
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

  /** An order that ends before collection takes its items off the journey. */
  async cancelItems(m: EntityManager, orderId: string, actor: Actor): Promise<void> {
    for (const it of await this.orders.itemsOf(orderId, m)) {
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

  /**
   * Holds the order for review (idempotent per reason code and item) and opens a case: the
   * order's `hold` self-loop, under the order's row lock (another order held for the same
   * identifier may be moving at this moment).
   */
  async hold(m: EntityManager, order: TradeInOrder, reason: HoldReason): Promise<void> {
    const current = (await this.orders.lockOrder(m, order.id)) ?? order;
    if (current.holdReasons.some((r) => r.code === reason.code && r.itemId === reason.itemId)) {
      return;
    }
    const holdReasons = [...current.holdReasons, reason];
    const itemIds = (await this.orders.itemsOf(order.id, m)).map((i) => i.itemId);
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
    const items = await this.orders.itemsOf(orderId, m);
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
