import { Injectable } from '@nestjs/common';
import { type EntityManager, Not } from 'typeorm';
import { type Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { decodeCursor } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { InspectionAccess } from '../domain/access.js';
import type { InspectionQuery } from '../api/inspections.dto.js';
import { blindToCalibration } from './calibration-task.repository.js';
import { Inspection } from './inspection.entity.js';
import { whereEqual } from '../../core/data/list-filters.js';
import { inWarehouseOfStaff } from './warehouse-list.js';

/** Inspections, and the items they grade as inspection reads them. */
@Injectable()
export class InspectionRepository extends DataRepository {
  readonly findInspection = this.findByIdOf(Inspection);

  /** The inspection, locked until the transaction ends. */
  readonly lockInspection = this.lockByIdOf(Inspection);

  /** The item's inspection that is not superseded (at most one). */
  current(manager: EntityManager, itemId: string): Promise<Inspection | null> {
    return manager
      .getRepository(Inspection)
      .findOne({ where: { itemId, state: Not('SUPERSEDED') } });
  }

  /** Whether the actor may read the report now (a report under blind re-grade is hidden). */
  async readable(actor: Actor, id: string): Promise<boolean> {
    const blind = blindToCalibration(actor, 'i');
    if (!blind) return true;
    return this.dataSource
      .getRepository(Inspection)
      .createQueryBuilder('i')
      .where('i.id = :id', { id })
      .andWhere(blind.sql, { blindMe: blind.me })
      .getExists();
  }

  /** One keyset page (oldest first) of the queue the actor may see: up to `limit + 1` rows. */
  queue(actor: Actor, query: InspectionQuery, limit: number): Promise<Inspection[]> {
    const cursor = decodeCursor(query.cursor);
    const qb = this.dataSource
      .getRepository(Inspection)
      .createQueryBuilder('i')
      .orderBy('i.created_at', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .take(limit + 1);
    InspectionAccess.restrict(qb, actor, 'i');
    inWarehouseOfStaff(qb, actor, 'i', query.warehouseId);
    const blind = blindToCalibration(actor, 'i');
    if (blind) qb.andWhere(blind.sql, { blindMe: blind.me });
    whereEqual(qb, { 'i.state': query.state, 'i.item_id': query.itemId });
    if (cursor) qb.andWhere('(i.created_at, i.id) > (:at::timestamptz, :id::uuid)', cursor);
    return qb.getMany();
  }

  findItem(id: string): Promise<Item | null> {
    return this.dataSource.getRepository(Item).findOne({ where: { id } });
  }

  itemOrFail(manager: EntityManager, id: string): Promise<Item> {
    return manager.getRepository(Item).findOneOrFail({ where: { id } });
  }

  /** The item, locked until the transaction ends. */
  readonly lockItem = this.lockByIdOf(Item);

  /** The items of these ids (any order). */
  async items(ids: string[]): Promise<Item[]> {
    if (ids.length === 0) return [];
    return this.dataSource
      .getRepository(Item)
      .createQueryBuilder('it')
      .where('it.id IN (:...ids)', { ids })
      .getMany();
  }
}
