import { ForbiddenException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { TransfersService } from '../money/transfers/transfers.service.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import { TradeInItemMachine, TradeInOrderMachine } from './domain/trade-in.machines.js';
import { lockVisibleOrder, tradeInItemOf } from './trade-in-locks.js';
import { payoutKey, TradeInSettlement } from './trade-in-settlement.service.js';

/**
 * Operators' decisions on money held back (spec §2): releasing a held order, unfreezing a
 * payout a receiving exception froze, deciding a car's mileage hold. An admin or a lead of the
 * warehouse that received the goods decides.
 */
@Injectable()
export class TradeInReview {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly transfers: TransfersService,
    private readonly orders: TradeInOrderRepository,
    private readonly payouts: TradeInPayoutRepository,
    private readonly settlement: TradeInSettlement,
  ) {}

  /**
   * The order's `release-hold` self-loop (409 when it is not held or `version` is stale); the
   * payouts that waited are created by the reconcile that follows.
   */
  async releaseHold(actor: Actor, id: string, note: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      const order = await this.orders.lockOrder(m, id);
      if (!order) throw new NotFound('Trade-in', id);
      const items = await this.orders.itemsOfUnordered(m, id);
      await this.assertHoldDecider(
        m,
        actor,
        id,
        items.map((i) => i.warehouseId),
        'Only a warehouse lead or an admin releases a held order',
      );
      await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        action: 'release-hold',
        actor,
        expectedVersion: version,
        // A lead of the receiving warehouse may not read the order: authorised just above.
        checkAccess: false,
        patch: { held: false },
        data: (o) => ({ note, reasons: o.holdReasons.map((r) => r.code) }),
      });
      await this.settlement.reconcile(m, id);
      return this.orders.orderOrFail(m, id);
    });
  }

  /** Admin clears a receiving exception's freeze on one item's payout (`unfreeze-payout`). */
  async unfreezePayout(actor: Actor, id: string, itemId: string, note: string) {
    return this.dataSource.transaction(async (m) => {
      await lockVisibleOrder(this.orders, m, actor, id);
      const it = await tradeInItemOf(this.orders, m, id, itemId);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'unfreeze-payout',
        actor,
        checkAccess: false,
        patch: { payoutFrozen: false, frozenReason: null },
        data: { note },
        // A mileage hold stays until its own decision.
        effects: async (mm, item) => {
          if (!item.mileageHold) await this.releasePayout(mm, item.id);
        },
      });
      return this.orders.orderOrFail(m, id);
    });
  }

  /**
   * A car's mileage hold is decided by an admin or a lead of the warehouse that received the
   * car — not by support, and not by a grader who is not a lead (`release-mileage-hold`): the
   * payout goes ahead (payable, unless a receiving exception still freezes it).
   */
  async decideMileageHold(actor: Actor, id: string, itemId: string, note: string) {
    return this.dataSource.transaction(async (m) => {
      const order = await this.orders.lockOrder(m, id);
      if (!order) throw new NotFound('Trade-in', id);
      const it = await tradeInItemOf(this.orders, m, id, itemId);
      await this.assertHoldDecider(
        m,
        actor,
        id,
        [it.warehouseId],
        'Only a warehouse lead or an admin decides a mileage hold',
      );
      const decision = {
        decision: 'release' as const,
        note,
        by: actor.userId,
        role: actor.role,
        at: new Date().toISOString(),
      };
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'release-mileage-hold',
        actor,
        checkAccess: false,
        patch: { mileageHold: false, mileageDecision: decision },
        data: { note, evidence: it.mileageHoldDetail },
        // A receiving exception's freeze stays until its own decision.
        effects: async (mm, item) => {
          if (!item.payoutFrozen) await this.releasePayout(mm, item.id);
        },
      });
      return this.orders.orderOrFail(m, id);
    });
  }

  /**
   * Holds guard money (payouts), so they are decided by an admin or a lead of a warehouse that
   * received the goods: another warehouse gets 404, a grader who is not a lead 403.
   */
  private async assertHoldDecider(
    m: EntityManager,
    actor: Actor,
    orderId: string,
    warehouseIds: ReadonlyArray<string | null>,
    refusal: string,
  ): Promise<void> {
    if (actor.role === 'admin' || actor.role === 'system') return;
    const theirs =
      actor.role === 'warehouse' &&
      actor.organisationId !== null &&
      warehouseIds.includes(actor.organisationId);
    if (!theirs) throw new NotFound('Trade-in', orderId);
    if (!(await this.orders.isLead(m, actor.userId))) throw new ForbiddenException(refusal);
  }

  /** The item's frozen payout becomes payable again, and its held transfer goes ahead. */
  private async releasePayout(m: EntityManager, tradeInItemId: string): Promise<void> {
    await this.payouts.unfreeze(m, tradeInItemId);
    await this.transfers.release(m, payoutKey(tradeInItemId));
  }
}
