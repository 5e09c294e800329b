import type { EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import type { TradeInItem, TradeInOrder } from './data/trade-in.entities.js';
import type { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInOrderAccess } from './domain/trade-in.machines.js';

/**
 * The first reads of an action on a trade-in, shared by the owner's and store counter's actions
 * and the operators' decisions: the order locked in the actor's transaction, and one of its items.
 */

/** The order, row-locked, if the actor may see it (404 otherwise). */
export async function lockVisibleOrder(
  orders: TradeInOrderRepository,
  m: EntityManager,
  actor: Actor,
  id: string,
): Promise<TradeInOrder> {
  return TradeInOrderAccess.assertVisible(await orders.lockOrder(m, id), actor, id);
}

/** The order's trade-in item with this id (404 when the order has none). */
export async function tradeInItemOf(
  orders: TradeInOrderRepository,
  m: EntityManager,
  orderId: string,
  id: string,
): Promise<TradeInItem> {
  const it = await orders.itemOfOrder(m, orderId, id);
  if (!it) throw new NotFound('Trade-in item', id);
  return it;
}
