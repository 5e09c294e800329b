import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { decodeCursor, type Page, toPage } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { findById } from '../../core/sql.js';
import { LIVE_ORDER_STATES, TradeInOrderAccess } from '../domain/trade-in.machines.js';
import type { TradeInQuery } from '../api/trade-ins.dto.js';
import { TradeInItem, TradeInOrder } from './trade-in.entities.js';
import { whereEqual } from '../../core/data/list-filters.js';

/** An item of another live order carrying one of the same identifiers (fraud check). */
export interface LiveIdentifierRow {
  order_id: string;
  item_id: string;
  serial_number: string | null;
  imei: string | null;
}

/** One of the owner's past graded items: what they declared and what inspection found. */
export interface PastGradingRow {
  declared_condition: Record<string, unknown>;
  grade: 'premium' | 'good' | 'scrap';
}

/** The journey items of the order, in position order (the order machine's `itemIds`). */
export async function orderItemIds(manager: EntityManager, orderId: string): Promise<string[]> {
  const rows = await manager.query<Array<{ item_id: string }>>(
    'SELECT item_id FROM trade_in_items WHERE order_id = $1 ORDER BY position',
    [orderId],
  );
  return rows.map((r) => r.item_id);
}

/** Whether the order is held for review (the item machine's guard). */
export async function orderIsHeld(manager: EntityManager, orderId: string): Promise<boolean> {
  const rows = await manager.query<Array<{ held: boolean }>>(
    'SELECT held FROM trade_in_orders WHERE id = $1',
    [orderId],
  );
  return !!rows[0]?.held;
}

/**
 * Trade-in orders and their items, with what acquisition reads around them: the journey items
 * they carry (states, VINs), the identifiers of other live orders, and whether a user is a lead.
 */
@Injectable()
export class TradeInOrderRepository extends DataRepository {
  // ---- orders ---------------------------------------------------------------------------

  /** The order (no lock), or null. */
  findOrder(id: string, manager?: EntityManager): Promise<TradeInOrder | null> {
    return findById(this.manager(manager), TradeInOrder, id);
  }

  /** Another order by id (an id the database gave), or null. */
  otherOrder(manager: EntityManager, id: string): Promise<TradeInOrder | null> {
    return manager.getRepository(TradeInOrder).findOne({ where: { id } });
  }

  /** The order, which must exist. */
  orderOrFail(manager: EntityManager, id: string): Promise<TradeInOrder> {
    return manager.getRepository(TradeInOrder).findOneByOrFail({ id });
  }

  /** Locks the order row for the rest of the transaction (serialises its handlers). */
  readonly lockOrder = this.lockByIdOf(TradeInOrder);

  /** One keyset page (newest first) of the orders the actor may see, filtered. */
  async page(actor: Actor, q: TradeInQuery): Promise<Page<TradeInOrder>> {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const qb = this.dataSource.getRepository(TradeInOrder).createQueryBuilder('o');
    TradeInOrderAccess.restrict(qb, actor, 'o');
    whereEqual(qb, { 'o.state': q.state });
    if (q.held) qb.andWhere('o.held = :held', { held: q.held === 'true' });
    if (cursor) {
      qb.andWhere('(o.created_at, o.id) < (:at, :cid)', { at: cursor.at, cid: cursor.id });
    }
    const rows = await qb
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .take(limit + 1)
      .getMany();
    return toPage(rows, limit, (o) => o);
  }

  /** Records the order's fraud assessment. */
  async setFraud(manager: EntityManager, id: string, fraud: TradeInOrder['fraud']): Promise<void> {
    await manager.getRepository(TradeInOrder).update(id, { fraud });
  }

  /** Records the latest news of the order's inbound pickup. */
  async setPickupNews(
    manager: EntityManager,
    id: string,
    pickup: TradeInOrder['pickup'],
  ): Promise<void> {
    await manager.getRepository(TradeInOrder).update(id, { pickup });
  }

  // ---- items of an order ----------------------------------------------------------------

  /** The order's items, in position order. */
  itemsOf(orderId: string, manager?: EntityManager): Promise<TradeInItem[]> {
    return this.manager(manager)
      .getRepository(TradeInItem)
      .find({ where: { orderId }, order: { position: 'ASC' } });
  }

  /** The order's items, in no promised order. */
  itemsOfUnordered(manager: EntityManager, orderId: string): Promise<TradeInItem[]> {
    return manager.getRepository(TradeInItem).find({ where: { orderId } });
  }

  /** The order's item with this id, or null. */
  itemOfOrder(manager: EntityManager, orderId: string, id: string): Promise<TradeInItem | null> {
    return manager.getRepository(TradeInItem).findOne({ where: { id, orderId } });
  }

  /** The trade-in item with this id, or null. */
  findItem(manager: EntityManager, id: string): Promise<TradeInItem | null> {
    return manager.getRepository(TradeInItem).findOne({ where: { id } });
  }

  /** The trade-in item with this id, which must exist. */
  itemOrFail(manager: EntityManager, id: string): Promise<TradeInItem> {
    return manager.getRepository(TradeInItem).findOneByOrFail({ id });
  }

  /** The trade-in item of this journey item, or null (not a trade-in item). */
  itemCarrying(manager: EntityManager, itemId: string): Promise<TradeInItem | null> {
    return manager.getRepository(TradeInItem).findOne({ where: { itemId } });
  }

  /** Records an item's quote. */
  async setQuote(manager: EntityManager, id: string, quote: TradeInItem['quote']): Promise<void> {
    await manager
      .getRepository(TradeInItem)
      .update(id, { quote, quotedMinor: quote?.amountMinor ?? null });
  }

  /** Records that a store drop-off on its way back waits at the store's counter since `at`. */
  async markAtStore(manager: EntityManager, id: string, at: Date): Promise<void> {
    await manager.getRepository(TradeInItem).update(id, { atStoreSince: at });
  }

  /** Records the item's arrival at a warehouse. */
  async markReceived(
    manager: EntityManager,
    id: string,
    receivedAt: Date,
    warehouseId: string,
  ): Promise<void> {
    await manager.getRepository(TradeInItem).update(id, { receivedAt, warehouseId });
  }

  /** Records a grading result (final offer, explanation, grade) without a transition. */
  async setGrading(
    manager: EntityManager,
    id: string,
    patch: Pick<
      TradeInItem,
      'final' | 'finalMinor' | 'explanation' | 'inspectionId' | 'grade' | 'confirmedBySecondGrader'
    >,
  ): Promise<void> {
    await manager.getRepository(TradeInItem).update(id, patch);
  }

  // ---- fraud checks ---------------------------------------------------------------------

  /** Serialises orders over these identifiers (sorted by the caller) until the transaction ends. */
  async lockIdentifiers(manager: EntityManager, identifiers: readonly string[]): Promise<void> {
    for (const id of identifiers) {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [id]);
    }
  }

  /** Items of other live orders carrying any of these normalised identifiers. */
  liveItemsWithIdentifiers(
    manager: EntityManager,
    orderId: string,
    identifiers: readonly string[],
  ): Promise<LiveIdentifierRow[]> {
    return manager.query<LiveIdentifierRow[]>(
      `SELECT ti.order_id, ti.item_id, ti.serial_number, ti.imei FROM trade_in_items ti
         JOIN trade_in_orders o ON o.id = ti.order_id
        WHERE o.state = ANY($1) AND ti.order_id <> $2
          AND (ti.imei_norm = ANY($3) OR ti.serial_norm = ANY($3))`,
      [LIVE_ORDER_STATES, orderId, identifiers],
    );
  }

  /** The owner's latest 50 graded items of other orders. */
  pastGradings(
    manager: EntityManager,
    customerId: string,
    orderId: string,
  ): Promise<PastGradingRow[]> {
    return manager.query<PastGradingRow[]>(
      `SELECT declared_condition, grade FROM trade_in_items
        WHERE customer_id = $1 AND grade IS NOT NULL AND order_id <> $2
        ORDER BY created_at DESC LIMIT 50`,
      [customerId, orderId],
    );
  }

  // ---- the journey items an order carries ----------------------------------------------

  /** The journey item, or null. */
  journeyItem(manager: EntityManager, id: string): Promise<Item | null> {
    return manager.getRepository(Item).findOne({ where: { id } });
  }

  /** These journey items (in no promised order). */
  journeyItems(manager: EntityManager, ids: readonly string[]): Promise<Item[]> {
    return manager.getRepository(Item).find({ where: ids.map((id) => ({ id })) });
  }

  /** The trace code of a live item (not in these terminal states) carrying this VIN, if any. */
  async liveItemWithVin(vin: string, terminal: readonly string[]): Promise<string | null> {
    const [live] = await this.dataSource.query<Array<{ trace_code: string }>>(
      'SELECT trace_code FROM items WHERE vin = $1 AND state <> ALL($2::text[]) LIMIT 1',
      [vin, [...terminal]],
    );
    return live?.trace_code ?? null;
  }

  /** Whether any of these items is a car (carries a VIN). */
  async anyVehicle(manager: EntityManager, itemIds: readonly string[]): Promise<boolean> {
    const cars = await manager.query<unknown[]>(
      'SELECT 1 FROM items WHERE id = ANY($1::uuid[]) AND vin IS NOT NULL LIMIT 1',
      [itemIds],
    );
    return cars.length > 0;
  }

  /** The trace codes of these items the courier has already collected (no longer DECLARED). */
  async collectedTraceCodes(manager: EntityManager, itemIds: readonly string[]): Promise<string[]> {
    const rows = await manager.query<Array<{ trace_code: string; state: string }>>(
      `SELECT trace_code, state FROM items WHERE id = ANY($1::uuid[]) AND state <> 'DECLARED'`,
      [itemIds],
    );
    return rows.map((r) => r.trace_code);
  }

  /** Whether the user is a lead of their organisation. */
  async isLead(manager: EntityManager, userId: string | null): Promise<boolean> {
    const [me] = await manager.query<Array<{ lead: boolean }>>(
      'SELECT lead FROM users WHERE id = $1',
      [userId],
    );
    return !!me?.lead;
  }
}
