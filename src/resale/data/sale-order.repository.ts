import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import type { ShipmentUpdatePayload } from '../../core/jobs/job-catalogue.js';
import { execute } from '../../core/sql.js';
import type { SaleOrderQuery } from '../api/resale.dto.js';
import { SaleOrderAccess } from '../domain/resale.machines.js';
import { SaleOrder } from './resale.entities.js';

/** The item a sale order sold, as a merchant names it. */
export interface SoldItem {
  traceCode: string;
  model: { brand: string; name: string } | null;
}

/** A completed inspection in the item's history. */
export interface InspectionEventRow {
  seq: number;
  data: Record<string, unknown>;
  created_at: Date;
}

/**
 * Sale orders, and what their checkout, payment, delivery and return read around them: the
 * item sold, its inspection history, the buyer's open reservations.
 */
@Injectable()
export class SaleOrderRepository extends DataRepository {
  readonly findOrder = this.findByIdOf(SaleOrder);

  /** The order, locked until the transaction ends. */
  readonly lockOrder = this.lockByIdOf(SaleOrder);

  /** The order, locked until the transaction ends; it must exist. */
  lockOrderOrFail(manager: EntityManager, id: string): Promise<SaleOrder> {
    return manager
      .getRepository(SaleOrder)
      .findOneOrFail({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** One keyset page of the orders the actor may see. */
  page(actor: Actor, q: SaleOrderQuery): Promise<Page<SaleOrder>> {
    return this.visiblePage(SaleOrderAccess, 'o', actor, q, { 'o.state': q.state });
  }

  /** Trace code and model of each item, for orders that name what they sold. */
  async soldItems(itemIds: string[]): Promise<Map<string, SoldItem>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.dataSource.query<
      Array<{ id: string; trace_code: string; brand: string | null; model: string | null }>
    >(
      `SELECT i.id, i.trace_code, pm.brand, pm.model
         FROM items i LEFT JOIN product_models pm ON pm.id = i.product_model_id
        WHERE i.id = ANY($1::uuid[])`,
      [itemIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          traceCode: r.trace_code,
          model: r.brand && r.model ? { brand: r.brand, name: r.model } : null,
        },
      ]),
    );
  }

  /** The item an order sells; it must exist. */
  itemOf(itemId: string, manager?: EntityManager): Promise<Item> {
    return this.manager(manager).getRepository(Item).findOneByOrFail({ id: itemId });
  }

  /** The item, locked until the transaction ends. */
  readonly lockItem = this.lockByIdOf(Item);

  /**
   * The buyer's unpaid reservations still running, counted under a transaction lock on the
   * buyer, so that two checkouts at once cannot both take the last place.
   */
  async openReservations(manager: EntityManager, buyerId: string): Promise<number> {
    await manager.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('sale-order-buyer:' || $1, 0))`,
      [buyerId],
    );
    const [{ open }] = await manager.query<Array<{ open: number }>>(
      `SELECT count(*)::int AS open FROM sale_orders
        WHERE buyer_id = $1 AND state = 'PENDING_PAYMENT' AND reserved_until > now()`,
      [buyerId],
    );
    return open;
  }

  /** Records the order's payment intent once; answers the intent the order keeps. */
  async setPaymentIntent(orderId: string, provider: string, intentId: string): Promise<string> {
    const { rows } = await execute<{ payment_intent_id: string }>(
      this.dataSource.manager,
      `UPDATE sale_orders SET payment_provider = coalesce(payment_provider, $2),
         payment_intent_id = coalesce(payment_intent_id, $3), updated_at = now()
       WHERE id = $1 RETURNING payment_intent_id`,
      [orderId, provider, intentId],
    );
    return rows[0].payment_intent_id;
  }

  /** The order paid by this intent at this provider, locked. */
  lockByPaymentIntent(
    manager: EntityManager,
    intentId: string,
    provider: string,
  ): Promise<SaleOrder | null> {
    return manager.getRepository(SaleOrder).findOne({
      where: { paymentIntentId: intentId, paymentProvider: provider },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** A payment that came after the order was cancelled: its refund, on the order. */
  async markLatePaymentRefunded(
    manager: EntityManager,
    orderId: string,
    amountMinor: number,
    refund: { status: string; key: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE sale_orders SET refund_minor = $2, refund_status = $4, refund_key = $5,
         cancel_reason = coalesce(cancel_reason, '') || $3, updated_at = now() WHERE id = $1`,
      [orderId, amountMinor, ' (late payment refunded)', refund.status, refund.key],
    );
  }

  /** The unpaid orders holding this listing, locked. */
  lockUnpaidOfListing(manager: EntityManager, listingId: string): Promise<SaleOrder[]> {
    return manager.getRepository(SaleOrder).find({
      where: { listingId, state: 'PENDING_PAYMENT' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The provider's answer to the refund under this key. */
  async settleRefund(
    manager: EntityManager,
    t: { key: string; sourceId: string; state: string; providerRef: string | null },
  ): Promise<void> {
    await manager.query(
      `UPDATE sale_orders SET refund_status = $3, refund_id = coalesce($4, refund_id),
         refunded_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE refunded_at END, updated_at = now()
       WHERE id = $1 AND refund_key = $2`,
      [t.sourceId, t.key, t.state === 'succeeded' ? 'succeeded' : 'failed', t.providerRef],
    );
  }

  /** The latest order shipped through this carrier account under this tracking number. */
  async idByTracking(
    manager: EntityManager,
    accountId: string,
    trackingNumber: string,
  ): Promise<string | null> {
    const [row] = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM sale_orders WHERE carrier_account_id = $1 AND tracking_number = $2
        ORDER BY created_at DESC LIMIT 1`,
      [accountId, trackingNumber],
    );
    return row?.id ?? null;
  }

  /**
   * Adds a return shipment event to the order once (the row locked first); `first_received` is
   * true the first time the return is delivered.
   */
  recordReturnShipment(
    manager: EntityManager,
    p: ShipmentUpdatePayload,
  ): Promise<{ rows: Array<{ buyer_id: string; first_received: boolean }>; affected: number }> {
    const entry = JSON.stringify([
      { event: p.event, pickupId: p.pickupId, at: p.at, reason: p.reason },
    ]);
    return execute<{ buyer_id: string; first_received: boolean }>(
      manager,
      `WITH before AS (SELECT return_received_at AS was FROM sale_orders WHERE id = $1 FOR UPDATE)
       UPDATE sale_orders SET
         return_pickup_id = $2,
         return_shipment = CASE
           WHEN return_shipment @> $4::jsonb THEN return_shipment
           ELSE return_shipment || $5::jsonb END,
         return_received_at = CASE WHEN $3 = 'delivered'
           THEN coalesce(return_received_at, $6::timestamptz) ELSE return_received_at END,
         updated_at = now()
       WHERE id = $1
       RETURNING id, buyer_id,
         (SELECT was FROM before) IS NULL AND return_received_at IS NOT NULL AS first_received`,
      [
        p.source.id,
        p.pickupId,
        p.event,
        JSON.stringify([{ event: p.event, pickupId: p.pickupId }]),
        entry,
        p.at,
      ],
    );
  }

  /** The item's completed inspections, oldest first, from its hash-chained history. */
  inspectionEvents(manager: EntityManager, itemId: string): Promise<InspectionEventRow[]> {
    return manager.query<InspectionEventRow[]>(
      `SELECT seq, data, at AS created_at FROM item_events
        WHERE item_id = $1 AND type = 'Inspection.complete' ORDER BY seq`,
      [itemId],
    );
  }
}
