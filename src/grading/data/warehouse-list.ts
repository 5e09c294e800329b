import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { AccessPolicy } from '../../core/access/access-policy.js';
import { type Actor, seesEverything } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import type { Page, PageQuery } from '../../core/http/pagination.js';

/**
 * The `?warehouseId=` of the grading lists: staff who see every warehouse narrow to one; warehouse
 * staff are held to their own by the access policy, so the filter is theirs to ignore.
 */
export function inWarehouseOfStaff<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  actor: Actor,
  alias: string,
  warehouseId: string | undefined,
): void {
  if (seesEverything(actor) && warehouseId)
    qb.andWhere(`${alias}.warehouse_id = :w`, { w: warehouseId });
}

/** The base of grading's repositories, whose lists are a warehouse's work queues. */
export abstract class WarehouseWorkRepository extends DataRepository {
  /**
   * A queue of the actor's warehouse (or of the one staff pick): oldest first, the row waiting
   * longest is the one to work on next.
   */
  protected warehouseQueue<E extends ObjectLiteral & { id: string }>(
    policy: AccessPolicy<E>,
    alias: string,
    actor: Actor,
    query: PageQuery & { warehouseId?: string },
    equal: Record<string, string | null | undefined>,
    narrow?: (qb: SelectQueryBuilder<E>) => void,
  ): Promise<Page<E>> {
    return this.visiblePage(policy, alias, actor, query, equal, {
      narrow: (qb) => {
        inWarehouseOfStaff(qb, actor, alias, query.warehouseId);
        narrow?.(qb);
      },
      order: 'ASC',
    });
  }
}
