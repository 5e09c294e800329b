import { BadRequestException, ConflictException, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Organisation } from '../accounts/organisation.entity.js';
import { seesEverything, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { decodeCursor, encodeCursor, type Page } from '../core/http/pagination.js';
import { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import type { ItemAvailableForSale } from '../core/jobs/job-catalogue.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { InventoryQuery, PoolQuery } from './resale.dto.js';
import { InventoryEntry, Listing } from './resale.entities.js';
import { InventoryAccess, ListingMachine } from './resale.machines.js';

interface InventoryRow {
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

function inventoryView(r: InventoryRow) {
  return {
    itemId: r.item_id,
    traceCode: r.trace_code,
    categoryId: r.category_id,
    productModelId: r.product_model_id,
    // What the merchant calls it: the model, beside the trace code on the label.
    model: r.model_brand && r.model_name ? { brand: r.model_brand, name: r.model_name } : null,
    grade: r.grade,
    erasureStatus: r.erasure_status,
    itemState: r.state,
    merchantId: r.merchant_id,
    pooledAt: r.pooled_at,
    allocatedAt: r.allocated_at,
    allocation: r.allocation,
    liveListingId: r.listing_id,
  };
}

const ROW_SQL = `SELECT r.item_id, r.merchant_id, r.pooled_at, r.allocated_at, r.allocation,
    i.trace_code, i.category_id, i.product_model_id, i.grade, i.erasure_status, i.state,
    (SELECT l.id FROM listings l WHERE l.item_id = r.item_id
       AND l.state IN ('DRAFT', 'PUBLISHED', 'RESERVED') LIMIT 1) AS listing_id,
    pm.brand AS model_brand, pm.model AS model_name
  FROM resale_inventory r JOIN items i ON i.id = r.item_id
  LEFT JOIN product_models pm ON pm.id = i.product_model_id`;

/**
 * Merchant inventory: items made available for sale wait in a pool; an admin allocates them to
 * a merchant, or a merchant claims one. Allocation is the item's `allocate` transition (the
 * erasure gate is the item machine's guard) and makes the merchant the item's custodian.
 */
@Injectable()
export class InventoryService {
  private readonly logger = new Logger(InventoryService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
  ) {}

  /** ItemAvailableForSale: into the pool (again, after a buyer's return). Idempotent. */
  async pool(payload: JobPayload<typeof ItemAvailableForSale>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const item = await m
        .getRepository(Item)
        .findOne({ where: { id: payload.itemId }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw new Error(`Item ${payload.itemId} not found`);
      if (item.state !== 'AVAILABLE') {
        this.logger.log(`Item ${item.id} is ${item.state}: not pooled`);
        return;
      }
      await m.query(
        `INSERT INTO resale_inventory (item_id, grade, pooled_at) VALUES ($1, $2, now())
         ON CONFLICT (item_id) DO UPDATE SET merchant_id = NULL, grade = EXCLUDED.grade,
           pooled_at = now(), allocated_at = NULL, allocated_by = NULL, allocation = NULL,
           updated_at = now()
         WHERE resale_inventory.merchant_id IS NOT NULL`,
        [item.id, item.grade ?? payload.grade],
      );
    });
  }

  async listPool(q: PoolQuery): Promise<Page<ReturnType<typeof inventoryView>>> {
    const params: unknown[] = [];
    const where = [`r.merchant_id IS NULL`, `i.state = 'AVAILABLE'`];
    if (q.grade) where.push(`i.grade = $${params.push(q.grade)}`);
    if (q.categoryId) where.push(`i.category_id = $${params.push(q.categoryId)}`);
    return this.page(where, params, 'r.pooled_at', q);
  }

  async listInventory(actor: Actor, q: InventoryQuery) {
    const params: unknown[] = [];
    const where = [`r.merchant_id IS NOT NULL`, InventoryAccess.rawWhere(actor, 'r', params)];
    // Admin and support may narrow everyone's inventory to one merchant's.
    if (seesEverything(actor) && q.merchantId)
      where.push(`r.merchant_id = $${params.push(q.merchantId)}`);
    // A merchant's inventory is what it still holds unless it asks for its sold items.
    if (q.state) where.push(`i.state = $${params.push(q.state)}`);
    else where.push(`i.state IN ('ALLOCATED', 'LISTED')`);
    return this.page(where, params, 'r.allocated_at', q);
  }

  private async page(
    where: string[],
    params: unknown[],
    timeColumn: 'r.pooled_at' | 'r.allocated_at',
    q: { limit?: number; cursor?: string },
  ) {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    if (cursor) {
      where.push(
        `(${timeColumn}, r.item_id) < ($${params.push(cursor.at)}::timestamptz, $${params.push(cursor.id)}::uuid)`,
      );
    }
    const rows = await this.dataSource.query<InventoryRow[]>(
      `${ROW_SQL} WHERE ${where.join(' AND ')}
       ORDER BY ${timeColumn} DESC, r.item_id DESC LIMIT $${params.push(limit + 1)}`,
      params,
    );
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const at = last ? (timeColumn === 'r.pooled_at' ? last.pooled_at : last.allocated_at) : null;
    return {
      items: items.map(inventoryView),
      nextCursor:
        more && last && at
          ? encodeCursor({ at: new Date(at).toISOString(), id: last.item_id })
          : null,
    };
  }

  async get(actor: Actor, itemId: string) {
    const rows = await this.dataSource.query<InventoryRow[]>(`${ROW_SQL} WHERE r.item_id = $1`, [
      itemId,
    ]);
    const row = rows[0];
    // Pool items are visible through the pool list, not as any merchant's inventory.
    InventoryAccess.assertVisible(
      row && Object.assign(new InventoryEntry(), { itemId, merchantId: row.merchant_id }),
      actor,
      itemId,
    );
    return inventoryView(row);
  }

  /** An admin gives an available item to a merchant. */
  async allocate(actor: Actor, itemId: string, merchantId: string) {
    const merchant = await this.dataSource.getRepository(Organisation).findOne({
      where: { id: merchantId },
    });
    if (!merchant || merchant.kind !== 'merchant') {
      throw new BadRequestException({
        message: `Invalid input: merchantId`,
        fields: [{ field: 'merchantId', errors: ['merchantId must name a merchant organisation'] }],
      });
    }
    await this.dataSource.transaction((m) => this.assign(m, actor, itemId, merchantId, 'admin'));
    return this.get(actor, itemId);
  }

  /** A merchant takes an item from the pool; two merchants racing: one wins, one gets 409. */
  async claim(actor: Actor, itemId: string) {
    const merchantId = actor.organisationId;
    if (!merchantId) throw new NotFound('Pool item', itemId);
    await this.dataSource.transaction((m) => this.assign(m, actor, itemId, merchantId, 'claim'));
    return this.get(actor, itemId);
  }

  private async assign(
    m: EntityManager,
    actor: Actor,
    itemId: string,
    merchantId: string,
    how: 'admin' | 'claim',
  ): Promise<void> {
    const entry = await m
      .getRepository(InventoryEntry)
      .findOne({ where: { itemId }, lock: { mode: 'pessimistic_write' } });
    const item = await m.getRepository(Item).findOne({ where: { id: itemId } });
    // A merchant sees only what is in the pool; an admin may allocate any available item.
    if (!item || (how === 'claim' && !entry)) throw new NotFound('Pool item', itemId);
    if (entry?.merchantId) {
      throw new ConflictException({
        message: `Item ${item.traceCode} is already allocated to a merchant`,
        state: item.state,
      });
    }
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: itemId,
      action: 'allocate',
      actor,
      checkAccess: false,
      patch: { custodianKind: 'merchant', custodianId: merchantId },
      custodian: { kind: 'merchant', id: merchantId },
      data: { merchantId, allocation: how },
    });
    await m.query(
      `INSERT INTO resale_inventory (item_id, merchant_id, grade, pooled_at, allocated_at,
         allocated_by, allocation, origin_custodian_kind, origin_custodian_id)
       VALUES ($1, $2, $3, now(), now(), $4, $5, $6, $7)
       ON CONFLICT (item_id) DO UPDATE SET merchant_id = $2, allocated_at = now(),
         allocated_by = $4, allocation = $5, origin_custodian_kind = $6, origin_custodian_id = $7,
         updated_at = now()`,
      [itemId, merchantId, item.grade, actor.userId, how, item.custodianKind, item.custodianId],
    );
  }

  /** The merchant gives an item it has not listed back to the pool. */
  async release(actor: Actor, itemId: string) {
    await this.dataSource.transaction(async (m) => {
      const entry = await m
        .getRepository(InventoryEntry)
        .findOne({ where: { itemId }, lock: { mode: 'pessimistic_write' } });
      if (!entry?.merchantId) throw new NotFound('Inventory item', itemId);
      InventoryAccess.assertVisible(entry, actor, itemId);
      // A draft made under this allocation dies with it (issue 18): otherwise it would block the
      // next merchant's listing, and its publish would sell stock that merchant holds.
      const drafts = await m
        .getRepository(Listing)
        .find({ where: { itemId, state: 'DRAFT' }, lock: { mode: 'pessimistic_write' } });
      for (const draft of drafts) {
        await this.transitions.apply(ListingMachine, {
          manager: m,
          id: draft.id,
          action: 'withdraw',
          actor,
          checkAccess: false,
          patch: { withdrawnAt: new Date() },
          data: { reason: 'item released to the pool' },
        });
      }
      await this.transitions.apply(ItemMachine, {
        manager: m,
        id: itemId,
        action: 'release',
        actor,
        checkAccess: false,
        patch: {
          custodianKind: (entry.originCustodianKind ?? 'warehouse') as Item['custodianKind'],
          custodianId: entry.originCustodianId,
        },
        custodian: { kind: entry.originCustodianKind ?? 'warehouse', id: entry.originCustodianId },
        data: { merchantId: entry.merchantId },
      });
      await m.query(
        `UPDATE resale_inventory SET merchant_id = NULL, pooled_at = now(), allocated_at = NULL,
           allocated_by = NULL, allocation = NULL, updated_at = now() WHERE item_id = $1`,
        [itemId],
      );
    });
    return { itemId, released: true };
  }
}
