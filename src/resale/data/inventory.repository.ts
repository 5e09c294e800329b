import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import { seesEverything, type Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { decodeCursor } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import type { InventoryQuery, PoolQuery } from '../api/resale.dto.js';
import { InventoryAccess } from '../domain/resale.machines.js';
import { InventoryEntry } from './resale.entities.js';

/** An inventory entry with its item, as the pool and inventory lists show it. */
export interface InventoryRow {
  item_id: string;
  merchant_id: string | null;
  pooled_at: Date;
  allocated_at: Date | null;
  allocation: 'admin' | 'claim' | null;
  trace_code: string;
  category_id: string | null;
  product_model_id: string | null;
  grade: string | null;
  erasure_status: string;
  state: string;
  listing_id: string | null;
  model_brand: string | null;
  model_name: string | null;
}

const ROW_SQL = `SELECT r.item_id, r.merchant_id, r.pooled_at, r.allocated_at, r.allocation,
    i.trace_code, i.category_id, i.product_model_id, i.grade, i.erasure_status, i.state,
    (SELECT l.id FROM listings l WHERE l.item_id = r.item_id
       AND l.state IN ('DRAFT', 'PUBLISHED', 'RESERVED') LIMIT 1) AS listing_id,
    pm.brand AS model_brand, pm.model AS model_name
  FROM resale_inventory r JOIN items i ON i.id = r.item_id
  LEFT JOIN product_models pm ON pm.id = i.product_model_id`;

/** The time a list is ordered by: pooled for the pool, allocated for merchants' inventory. */
export type InventoryTime = 'r.pooled_at' | 'r.allocated_at';

/** Merchant inventory (`resale_inventory`): the pool and what each merchant holds. */
@Injectable()
export class InventoryRepository extends DataRepository {
  /** Up to `limit + 1` rows of the pool, after the cursor's. */
  pool(q: PoolQuery, limit: number): Promise<InventoryRow[]> {
    const params: unknown[] = [];
    const where = [`r.merchant_id IS NULL`, `i.state = 'AVAILABLE'`];
    if (q.grade) where.push(`i.grade = $${params.push(q.grade)}`);
    if (q.categoryId) where.push(`i.category_id = $${params.push(q.categoryId)}`);
    return this.rows(where, params, 'r.pooled_at', q.cursor, limit);
  }

  /** Up to `limit + 1` rows of the inventory the actor may see, after the cursor's. */
  inventory(actor: Actor, q: InventoryQuery, limit: number): Promise<InventoryRow[]> {
    const params: unknown[] = [];
    const where = [`r.merchant_id IS NOT NULL`, InventoryAccess.rawWhere(actor, 'r', params)];
    // Admin and support may narrow everyone's inventory to one merchant's.
    if (seesEverything(actor) && q.merchantId)
      where.push(`r.merchant_id = $${params.push(q.merchantId)}`);
    // A merchant's inventory is what it still holds unless it asks for its sold items.
    if (q.state) where.push(`i.state = $${params.push(q.state)}`);
    else where.push(`i.state IN ('ALLOCATED', 'LISTED')`);
    return this.rows(where, params, 'r.allocated_at', q.cursor, limit);
  }

  private rows(
    where: string[],
    params: unknown[],
    timeColumn: InventoryTime,
    after: string | undefined,
    limit: number,
  ): Promise<InventoryRow[]> {
    const cursor = decodeCursor(after);
    if (cursor) {
      where.push(
        `(${timeColumn}, r.item_id) < ($${params.push(cursor.at)}::timestamptz, $${params.push(cursor.id)}::uuid)`,
      );
    }
    return this.dataSource.query<InventoryRow[]>(
      `${ROW_SQL} WHERE ${where.join(' AND ')}
       ORDER BY ${timeColumn} DESC, r.item_id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
  }

  async findRow(itemId: string): Promise<InventoryRow | undefined> {
    const rows = await this.dataSource.query<InventoryRow[]>(`${ROW_SQL} WHERE r.item_id = $1`, [
      itemId,
    ]);
    return rows[0];
  }

  findOrganisation(id: string): Promise<Organisation | null> {
    return this.dataSource.getRepository(Organisation).findOne({ where: { id } });
  }

  /** The item, locked until the transaction ends. */
  readonly lockItem = this.lockByIdOf(Item);

  findItem(manager: EntityManager, itemId: string): Promise<Item | null> {
    return manager.getRepository(Item).findOne({ where: { id: itemId } });
  }

  /** The item's inventory entry, locked until the transaction ends. */
  lockEntry(manager: EntityManager, itemId: string): Promise<InventoryEntry | null> {
    return manager
      .getRepository(InventoryEntry)
      .findOne({ where: { itemId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Into the pool, or back into it from a merchant; an entry already pooled stays as it is. */
  async addToPool(manager: EntityManager, itemId: string, grade: string | null): Promise<void> {
    await manager.query(
      `INSERT INTO resale_inventory (item_id, grade, pooled_at) VALUES ($1, $2, now())
         ON CONFLICT (item_id) DO UPDATE SET merchant_id = NULL, grade = EXCLUDED.grade,
           pooled_at = now(), allocated_at = NULL, allocated_by = NULL, allocation = NULL,
           updated_at = now()
         WHERE resale_inventory.merchant_id IS NOT NULL`,
      [itemId, grade],
    );
  }

  /** The item is the merchant's now; where it was is kept for its release. */
  async allocate(
    manager: EntityManager,
    a: {
      itemId: string;
      merchantId: string;
      grade: string | null;
      by: string | null;
      how: 'admin' | 'claim';
      originKind: string | null;
      originId: string | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO resale_inventory (item_id, merchant_id, grade, pooled_at, allocated_at,
         allocated_by, allocation, origin_custodian_kind, origin_custodian_id)
       VALUES ($1, $2, $3, now(), now(), $4, $5, $6, $7)
       ON CONFLICT (item_id) DO UPDATE SET merchant_id = $2, allocated_at = now(),
         allocated_by = $4, allocation = $5, origin_custodian_kind = $6, origin_custodian_id = $7,
         updated_at = now()`,
      [a.itemId, a.merchantId, a.grade, a.by, a.how, a.originKind, a.originId],
    );
  }

  /** Back into the pool from its merchant. */
  async release(manager: EntityManager, itemId: string): Promise<void> {
    await manager.query(
      `UPDATE resale_inventory SET merchant_id = NULL, pooled_at = now(), allocated_at = NULL,
           allocated_by = NULL, allocation = NULL, updated_at = now() WHERE item_id = $1`,
      [itemId],
    );
  }

  /** The demo seed: product models with a launch price, and whether they need erasure. */
  demoModels(
    limit: number,
  ): Promise<Array<{ id: string; category_id: string; requires_erasure: boolean | null }>> {
    return this.dataSource.query(
      `SELECT p.id, p.category_id, c.requires_erasure FROM product_models p
         JOIN categories c ON c.id = p.category_id
        WHERE p.launch_price_minor IS NOT NULL ORDER BY p.code LIMIT $1`,
      [limit],
    );
  }

  /** The demo seed: whether an item with this serial number exists already. */
  async serialTaken(serial: string): Promise<boolean> {
    const found = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM items WHERE serial_number = $1',
      [serial],
    );
    return found.length > 0;
  }

  /** The demo seed: grades an item as if inspected. */
  async setDemoGrade(manager: EntityManager, itemId: string, grade: string): Promise<void> {
    await manager.query('UPDATE items SET grade = $1 WHERE id = $2', [grade, itemId]);
  }
}
