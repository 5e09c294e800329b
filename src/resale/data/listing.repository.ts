import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import type { ListingQuery } from '../api/resale.dto.js';
import { ListingAccess } from '../domain/resale.machines.js';
import { Listing } from './resale.entities.js';

/** The item, locked until the transaction ends (the listing machine's publish guard). */
export function lockListedItem(manager: EntityManager, itemId: string): Promise<Item | null> {
  return manager
    .getRepository(Item)
    .findOne({ where: { id: itemId }, lock: { mode: 'pessimistic_write' } });
}

/** Listings, and what making one reads: the item, the merchant, the item's last inspection. */
@Injectable()
export class ListingRepository extends DataRepository {
  readonly findListing = this.findByIdOf(Listing);

  /** The listing, locked until the transaction ends. */
  readonly lockListing = this.lockByIdOf(Listing);

  listingOrFail(manager: EntityManager, id: string): Promise<Listing> {
    return manager.getRepository(Listing).findOneByOrFail({ id });
  }

  /** One keyset page of the listings the actor may see. */
  page(actor: Actor, q: ListingQuery): Promise<Page<Listing>> {
    return this.visiblePage(ListingAccess, 'l', actor, q, { 'l.state': q.state });
  }

  /** The item's listings still on (or on the way to) the market, locked, oldest first. */
  lockOpenOfItem(manager: EntityManager, itemId: string): Promise<Listing[]> {
    return manager
      .getRepository(Listing)
      .createQueryBuilder('l')
      .setLock('pessimistic_write')
      .where('l.item_id = :id', { id: itemId })
      .andWhere("l.state IN ('DRAFT', 'PUBLISHED', 'RESERVED')")
      .orderBy('l.created_at')
      .getMany();
  }

  /** The item's draft listings, locked. */
  lockDraftsOfItem(manager: EntityManager, itemId: string): Promise<Listing[]> {
    return manager
      .getRepository(Listing)
      .find({ where: { itemId, state: 'DRAFT' }, lock: { mode: 'pessimistic_write' } });
  }

  findItem(itemId: string): Promise<Item | null> {
    return this.dataSource.getRepository(Item).findOne({ where: { id: itemId } });
  }

  merchantOrFail(merchantId: string): Promise<Organisation> {
    return this.dataSource.getRepository(Organisation).findOneOrFail({ where: { id: merchantId } });
  }

  /** The latest completed inspection in the item's history, as recorded. */
  async latestInspectionEvent(
    manager: EntityManager,
    itemId: string,
  ): Promise<{ data: Record<string, unknown>; at: Date } | undefined> {
    const rows = await manager.query<Array<{ data: Record<string, unknown>; at: Date }>>(
      `SELECT data, at FROM item_events WHERE item_id = $1 AND type = 'Inspection.complete'
        ORDER BY seq DESC LIMIT 1`,
      [itemId],
    );
    return rows[0];
  }
}
