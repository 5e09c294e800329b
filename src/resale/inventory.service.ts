import { BadRequestException, ConflictException, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { encodeCursor, type Page } from '../core/http/pagination.js';
import { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import type { ItemAvailableForSale } from '../core/jobs/job-catalogue.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { InventoryQuery, PoolQuery } from './api/resale.dto.js';
import { InventoryEntry } from './data/resale.entities.js';
import { InventoryAccess, ListingMachine } from './domain/resale.machines.js';
import {
  type InventoryRow,
  InventoryRepository,
  type InventoryTime,
} from './data/inventory.repository.js';
import { ListingRepository } from './data/listing.repository.js';

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
    private readonly inventory: InventoryRepository,
    private readonly listings: ListingRepository,
    private readonly transitions: TransitionService,
  ) {}

  /** ItemAvailableForSale: into the pool (again, after a buyer's return). Idempotent. */
  async pool(payload: JobPayload<typeof ItemAvailableForSale>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const item = await this.inventory.lockItem(m, payload.itemId);
      if (!item) throw new Error(`Item ${payload.itemId} not found`);
      if (item.state !== 'AVAILABLE') {
        this.logger.log(`Item ${item.id} is ${item.state}: not pooled`);
        return;
      }
      await this.inventory.addToPool(m, item.id, item.grade ?? payload.grade);
    });
  }

  async listPool(q: PoolQuery): Promise<Page<ReturnType<typeof inventoryView>>> {
    const limit = q.limit ?? 50;
    return this.page(await this.inventory.pool(q, limit), 'r.pooled_at', limit);
  }

  async listInventory(actor: Actor, q: InventoryQuery) {
    const limit = q.limit ?? 50;
    return this.page(await this.inventory.inventory(actor, q, limit), 'r.allocated_at', limit);
  }

  private page(rows: InventoryRow[], timeColumn: InventoryTime, limit: number) {
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
    const row = await this.inventory.findRow(itemId);
    // Pool items are visible through the pool list, not as any merchant's inventory.
    InventoryAccess.assertVisible(
      row && Object.assign(new InventoryEntry(), { itemId, merchantId: row.merchant_id }),
      actor,
      itemId,
    );
    return inventoryView(row as InventoryRow); // assertVisible threw without one
  }

  /** An admin gives an available item to a merchant. */
  async allocate(actor: Actor, itemId: string, merchantId: string) {
    const merchant = await this.inventory.findOrganisation(merchantId);
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
    const entry = await this.inventory.lockEntry(m, itemId);
    const item = await this.inventory.findItem(m, itemId);
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
    await this.inventory.allocate(m, {
      itemId,
      merchantId,
      grade: item.grade,
      by: actor.userId,
      how,
      originKind: item.custodianKind,
      originId: item.custodianId,
    });
  }

  /** The merchant gives an item it has not listed back to the pool. */
  async release(actor: Actor, itemId: string) {
    await this.dataSource.transaction(async (m) => {
      const entry = await this.inventory.lockEntry(m, itemId);
      if (!entry?.merchantId) throw new NotFound('Inventory item', itemId);
      InventoryAccess.assertVisible(entry, actor, itemId);
      // A draft made under this allocation dies with it (issue 18): otherwise it would block the
      // next merchant's listing, and its publish would sell stock that merchant holds.
      const drafts = await this.listings.lockDraftsOfItem(m, itemId);
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
      await this.inventory.release(m, itemId);
    });
    return { itemId, released: true };
  }
}
