import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page, paginate } from '../../core/http/pagination.js';
import { ErasureAccess } from '../erasure.machine.js';
import { Erasure, StorageMedium } from './erasure.entities.js';

/**
 * Erasures and the storage media they wipe. Only the erasure gate's reads and the list have
 * moved here so far: ErasureService, StationRegistry, SamplingService and ErasureStations still
 * query from their own files (issue 20 point 1, in part).
 */
@Injectable()
export class ErasureRepository extends DataRepository {
  /** An item's storage media. */
  mediaOfItem(manager: EntityManager, itemId: string): Promise<StorageMedium[]> {
    return manager.getRepository(StorageMedium).find({ where: { itemId } });
  }

  /** Every erasure of an item's media. */
  erasuresOfItem(manager: EntityManager, itemId: string): Promise<Erasure[]> {
    return manager.getRepository(Erasure).find({ where: { itemId } });
  }

  /** The erasures the actor may see, filtered, a keyset page at a time. */
  page(
    actor: Actor,
    query: { state?: string; itemId?: string; limit?: number; cursor?: string },
  ): Promise<Page<Erasure>> {
    const qb = this.dataSource.getRepository(Erasure).createQueryBuilder('e');
    ErasureAccess.restrict(qb, actor, 'e');
    if (query.state) qb.andWhere('e.state = :state', { state: query.state });
    if (query.itemId) qb.andWhere('e.item_id = :itemId', { itemId: query.itemId });
    return paginate(qb, query);
  }
}
