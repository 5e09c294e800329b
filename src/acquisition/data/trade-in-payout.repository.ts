import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { TradeInPayout } from './trade-in.entities.js';

/** A payout to create: one per accepted trade-in item. */
export interface NewTradeInPayout {
  orderId: string;
  tradeInItemId: string;
  itemId: string;
  customerId: string;
  amountMinor: number;
  currency: string;
  status: 'payable' | 'frozen';
}

/** Money owed to owners for accepted trade-in items, and what became of it. */
@Injectable()
export class TradeInPayoutRepository extends DataRepository {
  /** The order's payouts. */
  ofOrder(orderId: string, manager?: EntityManager): Promise<TradeInPayout[]> {
    return this.manager(manager).getRepository(TradeInPayout).find({ where: { orderId } });
  }

  /** Creates the item's payout unless it exists (unique per item): its id, or null if it did. */
  async createOnce(manager: EntityManager, p: NewTradeInPayout): Promise<string | null> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO trade_in_payouts
         (order_id, trade_in_item_id, item_id, customer_id, amount_minor, currency, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (trade_in_item_id) DO NOTHING RETURNING id`,
      [p.orderId, p.tradeInItemId, p.itemId, p.customerId, p.amountMinor, p.currency, p.status],
    );
    return rows[0]?.id ?? null;
  }

  /** The payout's status, or null when there is none. */
  async status(manager: EntityManager, payoutId: string): Promise<string | null> {
    const [row] = await manager.query<Array<{ status: string }>>(
      'SELECT status FROM trade_in_payouts WHERE id = $1',
      [payoutId],
    );
    return row?.status ?? null;
  }

  /** The item's payable payout (if any) is frozen. */
  async freeze(manager: EntityManager, tradeInItemId: string): Promise<void> {
    await manager
      .getRepository(TradeInPayout)
      .update({ tradeInItemId, status: 'payable' }, { status: 'frozen' });
  }

  /** The item's frozen payout (if any) is payable again. */
  async unfreeze(manager: EntityManager, tradeInItemId: string): Promise<void> {
    await manager
      .getRepository(TradeInPayout)
      .update({ tradeInItemId, status: 'frozen' }, { status: 'payable' });
  }

  /** Records the provider's answer: paid (with the time) or failed, with its reference. */
  async settle(
    manager: EntityManager,
    payoutId: string,
    status: 'paid' | 'failed',
    providerRef: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE trade_in_payouts SET status = $2, provider_ref = $3,
         paid_at = CASE WHEN $2 = 'paid' THEN now() ELSE paid_at END, updated_at = now()
       WHERE id = $1 AND status IN ('payable', 'failed')`,
      [payoutId, status, providerRef],
    );
  }
}
