import { Injectable } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntityTarget,
  type ObjectLiteral,
  type SelectQueryBuilder,
} from 'typeorm';
import type { AccessPolicy } from '../access/access-policy.js';
import type { Actor } from '../actor.js';
import { type Page, type PageQuery, paginate } from '../http/pagination.js';
import { whereEqual } from './list-filters.js';

/**
 * The base of a stage's repositories (`src/<stage>/data/`, issue 20 point 1): every query of the
 * stage lives in one repository per aggregate, in methods named in the stage's words. Each method
 * takes an optional `EntityManager`, so that a service passes its transaction's manager; without
 * one the query runs on the data source's own.
 */
@Injectable()
export abstract class DataRepository {
  constructor(protected readonly dataSource: DataSource) {}

  /** The caller's transaction, or the data source's manager. */
  protected manager(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /**
   * A read of one row by id, `findOne({ where: { id } })`, for a repository to name in its
   * words: `readonly findListing = this.findByIdOf(Listing)`, called `findListing(id, manager?)`.
   */
  protected findByIdOf<E extends ObjectLiteral>(target: EntityTarget<E>) {
    return (id: string, manager?: EntityManager): Promise<E | null> =>
      this.manager(manager)
        .getRepository(target)
        .findOne({ where: { id } as never });
  }

  /**
   * The row by id locked until the caller's transaction ends (SELECT … FOR UPDATE):
   * `readonly lockListing = this.lockByIdOf(Listing)`, called `lockListing(manager, id)`.
   */
  protected lockByIdOf<E extends ObjectLiteral>(target: EntityTarget<E>) {
    return (manager: EntityManager, id: string): Promise<E | null> =>
      manager.getRepository(target).findOne({
        where: { id } as never,
        lock: { mode: 'pessimistic_write' },
      });
  }

  /**
   * A list read: one keyset page of the entity's rows that its policy lets the actor see, on
   * `alias`, narrowed by the `equal` filters (one left empty does not narrow) and by what
   * `narrow` adds to the query. Newest first unless `order` says otherwise.
   */
  protected visiblePage<E extends ObjectLiteral & { id: string }>(
    policy: AccessPolicy<E>,
    alias: string,
    actor: Actor,
    page: PageQuery,
    equal: Record<string, string | null | undefined>,
    {
      narrow,
      order,
    }: { narrow?: (qb: SelectQueryBuilder<E>) => void; order?: 'ASC' | 'DESC' } = {},
  ): Promise<Page<E>> {
    if (!policy.entity) throw new Error(`${policy.name}: a table policy has no entity to page`);
    const qb = this.dataSource.getRepository(policy.entity).createQueryBuilder(alias);
    policy.restrict(qb, actor, alias);
    narrow?.(qb);
    whereEqual(qb, equal);
    return paginate(qb, page, { order });
  }
}
