import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound, TransitionConflict } from '../core/errors.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { CancelPickup, SchedulePickup } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import {
  PICKUP_WINDOWS,
  type PickupWindowBooking,
  type PickupWindowChoice,
} from '../core/read-models/pickup-windows.js';
import { lockSource } from '../core/source-lock.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { TradeInOrder } from './data/trade-in.entities.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInItemMachine, TradeInOrderMachine } from './domain/trade-in.machines.js';
import { bad } from './trade-in-intake.service.js';
import { lockVisibleOrder, tradeInItemOf } from './trade-in-locks.js';
import { TradeInSettlement } from './trade-in-settlement.service.js';

/**
 * What the owner does with a quoted order and its final offers (accept, cancel, accept or
 * reject an offer), and what a store's staff do at the counter (take the items in, hand a
 * returned item back). Each runs under the order's row lock.
 */
@Injectable()
export class TradeInActions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    @Inject(PICKUP_WINDOWS) private readonly pickupWindows: PickupWindowBooking,
    private readonly orders: TradeInOrderRepository,
    private readonly settlement: TradeInSettlement,
  ) {}

  /**
   * The owner accepts the quote. An online order may name the pickup window the owner chose
   * from the free ones: checked here under the area's booking lock (409 when it filled
   * meanwhile), then booked by logistics from the SchedulePickup job.
   */
  async accept(
    actor: Actor,
    id: string,
    version?: number,
    pickupWindow?: PickupWindowChoice,
  ): Promise<TradeInOrder> {
    return this.dataSource.transaction(async (m) => {
      const order = await lockVisibleOrder(this.orders, m, actor, id);
      const items = await this.orders.itemsOf(id, m);
      const now = new Date();
      if (pickupWindow) {
        if (order.channel !== 'online') {
          throw bad('pickupWindow', 'is only for online orders (a store order is dropped off)');
        }
        if (order.state === 'QUOTED') {
          await this.pickupWindows.assertBookable(m, order.address, pickupWindow, now);
        }
      }
      // A car is inspected at the owner's address and driven in, not put in a bag.
      const car = await this.orders.anyVehicle(
        m,
        items.map((i) => i.itemId),
      );
      return this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        current: order,
        itemIds: items.map((i) => i.itemId),
        action: 'accept',
        actor,
        expectedVersion: version,
        patch: { acceptedAt: now },
        jobs: (o) =>
          o.channel === 'online'
            ? [
                job(SchedulePickup, {
                  direction: 'inbound',
                  source: { kind: 'trade-in', id: o.id },
                  customerId: o.customerId,
                  itemIds: items.map((i) => i.itemId),
                  address: o.address,
                  warehouseId: null,
                  requestedAt: now.toISOString(),
                  specialPackaging: items.some((i) => i.specialPackaging),
                  ...(car ? { mode: 'inspection-at-address' as const } : {}),
                  ...(pickupWindow
                    ? {
                        window: {
                          date: pickupWindow.date,
                          windowIndex: pickupWindow.windowIndex,
                        },
                      }
                    : {}),
                }),
              ]
            : [],
      });
    });
  }

  /**
   * The owner (or an admin) calls the trade-in off before collection. The courier's collect
   * of the order's pickup takes the same lock (lockSource), so the two never cross: whichever
   * comes second answers 409 — a cancel after the courier has the items is refused (they come
   * in and go through inspection), a collect after the cancel is refused by the items' state.
   */
  async cancel(actor: Actor, id: string, version?: number): Promise<TradeInOrder> {
    return this.dataSource.transaction(async (m) => {
      await lockSource(m, { kind: 'trade-in', id });
      const before = await lockVisibleOrder(this.orders, m, actor, id);
      if (before.state === 'ACCEPTED') {
        const items = await this.orders.itemsOf(id, m);
        const collected = await this.orders.collectedTraceCodes(
          m,
          items.map((i) => i.itemId),
        );
        if (collected.length > 0) {
          throw new TransitionConflict(
            `Cannot cancel: the courier has already collected ${collected.join(', ')}`,
            {
              entity: 'TradeInOrder',
              state: before.state,
              version: before.version,
              allowedActions: [],
            },
          );
        }
      }
      return this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        action: 'cancel',
        actor,
        expectedVersion: version,
        effects: (mm) => this.settlement.cancelItems(mm, id, actor),
        // Accepted means a pickup was asked for: call the courier off.
        jobs:
          before.state === 'ACCEPTED'
            ? [
                job(CancelPickup, {
                  source: { kind: 'trade-in', id },
                  direction: 'inbound',
                  reason: `trade-in cancelled by the ${actor.role}`,
                }),
              ]
            : [],
      });
    });
  }

  /** Store staff take the items in: they are on their way to a warehouse from here. */
  async dropOff(actor: Actor, id: string, version?: number): Promise<TradeInOrder> {
    return this.dataSource.transaction(async (m) => {
      const order = await lockVisibleOrder(this.orders, m, actor, id);
      const items = await this.orders.itemsOf(id, m);
      const custodian = { kind: 'store', id: order.storeOrganisationId };
      return this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        action: 'drop-off',
        actor,
        expectedVersion: version,
        patch: { collectedAt: new Date() },
        custodian,
        effects: async (mm) => {
          for (const it of items) {
            await this.transitions.apply(ItemMachine, {
              manager: mm,
              id: it.itemId,
              action: 'collect',
              actor: actor.role === 'admin' ? actor : { ...actor, role: 'warehouse' },
              checkAccess: false,
              custodian,
              patch: { custodianKind: 'store', custodianId: order.storeOrganisationId },
            });
          }
        },
      });
    });
  }

  async acceptOffer(actor: Actor, id: string, itemId: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      await lockVisibleOrder(this.orders, m, actor, id);
      const it = await tradeInItemOf(this.orders, m, id, itemId);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'accept-offer',
        actor,
        expectedVersion: version,
        data: { finalMinor: it.finalMinor },
      });
      await this.settlement.reconcile(m, id);
      return this.orders.orderOrFail(m, id);
    });
  }

  async rejectOffer(actor: Actor, id: string, itemId: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      const order = await lockVisibleOrder(this.orders, m, actor, id);
      const it = await tradeInItemOf(this.orders, m, id, itemId);
      await this.settlement.sendBack(m, order, it, {
        action: 'reject-offer',
        actor,
        expectedVersion: version,
        reason: 'owner rejected the final offer',
      });
      return this.orders.orderOrFail(m, id);
    });
  }

  /**
   * A store drop-off that went back is handed to its owner over the store's counter, by that
   * store's staff (or an admin), once the return shipment has brought it there.
   */
  async handBack(actor: Actor, id: string, itemId: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      const order = await lockVisibleOrder(this.orders, m, actor, id);
      if (actor.role === 'warehouse' && order.storeOrganisationId !== actor.organisationId) {
        throw new NotFound('Trade-in', id);
      }
      const it = await tradeInItemOf(this.orders, m, id, itemId);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'hand-back',
        actor,
        expectedVersion: version,
        checkAccess: false,
        data: { storeId: order.storeId },
        effects: async (mm) => {
          await this.transitions.apply(ItemMachine, {
            manager: mm,
            id: it.itemId,
            action: 'hand-back',
            actor,
            checkAccess: false,
            custodian: { kind: 'owner', id: order.customerId },
            patch: { custodianKind: 'owner', custodianId: order.customerId },
            data: { storeId: order.storeId },
          });
        },
      });
      await this.settlement.reconcile(m, id);
      return this.orders.orderOrFail(m, id);
    });
  }
}
