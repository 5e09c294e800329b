import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { findById } from '../../core/sql.js';
import type { RecyclingLotFilter } from '../api/recycling.dto.js';
import { RecyclingLotAccess } from '../domain/recycling-lot.machine.js';
import { RecyclingLot, RecyclingLotItem } from './recycling.entities.js';

/** An item of a lot as the lot's page shows it. */
export interface LotItemRow {
  item_id: string;
  trace_code: string;
  state: string;
  weight_grams: number;
  scrap_value_minor: number;
  reason: string;
  added_at: Date;
}

/** The items of a lot, by id (the machine's `itemIds`: each transition reaches their history). */
export async function lotItemIds(manager: EntityManager, lotId: string): Promise<string[]> {
  const rows = await manager.query<Array<{ item_id: string }>>(
    'SELECT item_id FROM recycling_lot_items WHERE lot_id = $1 ORDER BY item_id',
    [lotId],
  );
  return rows.map((r) => r.item_id);
}

/** Whether a lot holds any item (the seal guard). */
export async function lotHasItems(manager: EntityManager, lotId: string): Promise<boolean> {
  const rows = await manager.query<unknown[]>(
    'SELECT 1 FROM recycling_lot_items WHERE lot_id = $1 LIMIT 1',
    [lotId],
  );
  return rows.length > 0;
}

/** Recycling lots and the scrap items gathered in them. */
@Injectable()
export class RecyclingLotRepository extends DataRepository {
  async findLot(
    id: string,
    { lock = false, manager }: { lock?: boolean; manager?: EntityManager } = {},
  ) {
    const m = this.manager(manager);
    if (!lock) return findById(m, RecyclingLot, id);
    return m
      .getRepository(RecyclingLot)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** One keyset page of the lots the actor may see, with the filter's conditions. */
  async page(actor: Actor, filter: RecyclingLotFilter): Promise<Page<RecyclingLot>> {
    return this.visiblePage(RecyclingLotAccess, 'l', actor, filter, {
      'l.state': filter.state,
      'l.warehouse_id': filter.warehouseId,
      'l.recycler_id': filter.recyclerId,
    });
  }

  /** The lot's items with their trace code and state, in the order they joined. */
  async lotItems(lotId: string, manager?: EntityManager): Promise<LotItemRow[]> {
    return this.manager(manager).query<LotItemRow[]>(
      `SELECT li.item_id, i.trace_code, i.state, li.weight_grams, li.scrap_value_minor, li.reason,
              li.added_at
         FROM recycling_lot_items li JOIN items i ON i.id = li.item_id
        WHERE li.lot_id = $1 ORDER BY li.added_at, li.item_id`,
      [lotId],
    );
  }

  lotItemIds(lotId: string, manager?: EntityManager): Promise<string[]> {
    return lotItemIds(this.manager(manager), lotId);
  }

  /** Count, estimated weight and scrap value of the lot's items. */
  async lotTotals(
    lotId: string,
    manager?: EntityManager,
  ): Promise<{ n: number; grams: number; value: number }> {
    const [sums] = await this.manager(manager).query<
      Array<{ n: number; grams: number; value: number }>
    >(
      `SELECT count(*)::int AS n, coalesce(sum(weight_grams), 0)::int AS grams,
              coalesce(sum(scrap_value_minor), 0)::int AS value
         FROM recycling_lot_items WHERE lot_id = $1`,
      [lotId],
    );
    return sums;
  }

  /** Whether the item already joined a lot (the job runs once per item). */
  isGathered(manager: EntityManager, itemId: string): Promise<boolean> {
    return manager.getRepository(RecyclingLotItem).exists({ where: { itemId } });
  }

  async addItem(manager: EntityManager, row: RecyclingLotItem): Promise<void> {
    await manager.getRepository(RecyclingLotItem).insert(row);
  }

  /**
   * One item at a time per warehouse: otherwise two first items could open lots for two
   * different recyclers at once (the unique index only stops two for the same recycler).
   */
  async lockWarehouse(manager: EntityManager, warehouseId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('recycling-lot:' || $1))`, [
      warehouseId,
    ]);
  }

  /** The warehouse's open lot (the oldest, locked), if any. */
  findOpenLot(manager: EntityManager, warehouseId: string): Promise<RecyclingLot | null> {
    return manager.getRepository(RecyclingLot).findOne({
      where: { warehouseId, state: 'OPEN' },
      order: { createdAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The recycler partner with the fewest lots not yet settled, if one is registered. */
  async leastBusyRecyclerId(manager: EntityManager): Promise<string | null> {
    const recyclers = await manager.query<Array<{ id: string }>>(
      `SELECT o.id FROM organisations o
        WHERE o.kind = 'partner' AND o.capabilities -> 'recycles' = 'true'::jsonb
        ORDER BY (SELECT count(*) FROM recycling_lots l
                   WHERE l.recycler_id = o.id AND l.state <> 'SETTLED'), o.created_at, o.id
        LIMIT 1`,
    );
    return recyclers[0]?.id ?? null;
  }

  async recyclerName(recyclerId: string, manager?: EntityManager): Promise<string | null> {
    const recycler = await this.manager(manager)
      .getRepository(Organisation)
      .findOne({ where: { id: recyclerId } });
    return recycler?.name ?? null;
  }

  // ---- the items the stage gathers ----------------------------------------------------------

  findItem(itemId: string, manager?: EntityManager): Promise<Item | null> {
    return findById(this.manager(manager), Item, itemId);
  }

  /** The item, locked until the transaction ends. */
  readonly lockItem = this.lockByIdOf(Item);

  /** Of these items, the ones still waiting for the recycler. */
  itemsAwaitingRecycling(manager: EntityManager, itemIds: string[]): Promise<Item[]> {
    if (itemIds.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(Item)
      .find({ where: { id: In(itemIds), state: 'AWAITING_RECYCLING' } });
  }
}
