import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  type ItemReceived,
  NotifyOwner,
  OpenSupportCase,
  type ReceivingExceptionRaised,
  type ShipmentUpdatePayload,
  type VehicleMileageFlagged,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { type ApplyParams, TransitionService } from '../core/state-machine/transition.service.js';
import { TradeInItem, TradeInOrder } from './data/trade-in.entities.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import {
  PAYABLE_ITEM_STATES,
  TradeInItemMachine,
  TradeInOrderMachine,
} from './domain/trade-in.machines.js';
import { TradeInSettlement } from './trade-in-settlement.service.js';

type ReceivingExceptionPayload = NonNullable<(typeof ReceivingExceptionRaised)['payload']>;
type ItemReceivedPayload = NonNullable<(typeof ItemReceived)['payload']>;

/**
 * The goods' journey as other stages report it (job-driven): logistics' shipment news, arrival
 * at a warehouse, receiving exceptions and a car's flagged mileage, each freezing or moving the
 * order. Every handler re-reads the order under its row lock and skips work already done.
 */
@Injectable()
export class TradeInReceiving {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly orders: TradeInOrderRepository,
    private readonly payouts: TradeInPayoutRepository,
    private readonly settlement: TradeInSettlement,
  ) {}

  async onShipmentUpdate(p: ShipmentUpdatePayload): Promise<void> {
    if (p.source.kind !== 'trade-in') return;
    await this.dataSource.transaction(async (m) => {
      const order = await this.orders.lockOrder(m, p.source.id);
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
        await this.settlement.reconcile(m, order.id);
      }
    });
  }

  async onItemReceived(p: ItemReceivedPayload): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.itemCarrying(m, p.itemId);
      if (!found) return; // not a trade-in item (e.g. a buyer's return)
      const order = await this.orders.lockOrder(m, found.orderId);
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
      await this.settlement.reconcile(m, order.id);
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
    const all = await this.orders.itemsOf(order.id, m);
    const states = await this.orders.journeyItems(
      m,
      all.map((i) => i.itemId),
    );
    if (states.some((i) => i.state === 'IN_TRANSIT')) return; // the rest follow
    const back = all.filter((i) =>
      states.some((s) => s.id === i.itemId && s.state === 'RETURNING_TO_OWNER'),
    );
    await this.outbox.write(m, [
      await this.settlement.returnShipment(m, order, back, new Date()),
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

  async onReceivingException(p: ReceivingExceptionPayload): Promise<void> {
    if (!p.itemId) return;
    const itemId = p.itemId;
    await this.dataSource.transaction(async (m) => {
      const found = await this.orders.itemCarrying(m, itemId);
      if (!found || found.payoutFrozen) return;
      const it = await this.lockedAgain(m, found);
      // Frozen meanwhile, or no payout will ever come (the item went back or was cancelled).
      if (it.payoutFrozen || !PAYABLE_ITEM_STATES.includes(it.state)) return;
      const reason = `${p.kind}: ${p.detail}`.slice(0, 500);
      await this.holdPayout(
        m,
        it,
        'freeze-payout',
        { payoutFrozen: true, frozenReason: reason },
        { exceptionId: p.exceptionId, kind: p.kind, detail: p.detail },
      );
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
        const it = await this.lockedAgain(m, found);
        if (it.mileageHold || it.mileageDecision) return;
        // No payout will ever come for a car that went back or was cancelled: nothing to hold.
        if (!PAYABLE_ITEM_STATES.includes(it.state)) return;
        const detail = {
          vin: p.vin,
          status: p.status,
          evidence: p.evidence,
          heldAt: new Date().toISOString(),
        };
        await this.holdPayout(
          m,
          it,
          'hold-payout',
          { mileageHold: true, mileageHoldDetail: detail },
          { reason: 'vehicle-mileage', ...detail },
        );
      });
    }
  }

  /** The trade-in item found outside the lock, read again under its order's row lock. */
  private async lockedAgain(m: EntityManager, found: TradeInItem): Promise<TradeInItem> {
    await this.orders.lockOrder(m, found.orderId);
    return this.orders.itemOrFail(m, found.id);
  }

  /** A hold on the item's payout (a receiving exception or a mileage flag): its row frozen too. */
  private async holdPayout(
    m: EntityManager,
    it: TradeInItem,
    action: 'freeze-payout' | 'hold-payout',
    patch: ApplyParams<TradeInItem>['patch'],
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.transitions.apply(TradeInItemMachine, {
      manager: m,
      id: it.id,
      action,
      actor: SYSTEM_ACTOR,
      patch,
      data,
      effects: async (mm) => {
        await this.payouts.freeze(mm, it.id);
      },
    });
  }
}
