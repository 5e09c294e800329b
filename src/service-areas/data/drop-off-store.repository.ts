import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import { DataRepository } from '../../core/data/repository.js';
import { DropOffStoreRecord } from './service-area.entity.js';

/** What a store is, without its stamps and id (what an admin or the seed writes). */
export type DropOffStoreValues = Omit<DropOffStoreRecord, 'id' | 'createdAt' | 'updatedAt'>;

/** Drop-off stores: where an owner brings an item when couriers do not collect. */
@Injectable()
export class DropOffStoreRepository extends DataRepository {
  active(manager?: EntityManager): Promise<DropOffStoreRecord[]> {
    return this.manager(manager)
      .getRepository(DropOffStoreRecord)
      .find({ where: { active: true } });
  }

  readonly byId = this.findByIdOf(DropOffStoreRecord);

  /** The active store a `store` organisation runs, if any. */
  ofOrganisation(organisationId: string, manager?: EntityManager) {
    return this.manager(manager)
      .getRepository(DropOffStoreRecord)
      .findOne({ where: { organisationId, active: true } });
  }

  /** Every store (of one city when given), by code. */
  list(cityCode?: string): Promise<DropOffStoreRecord[]> {
    return this.dataSource.getRepository(DropOffStoreRecord).find({
      where: cityCode ? { cityCode } : {},
      order: { code: 'ASC' },
    });
  }

  /** Whether the organisation exists and is a store. */
  async isStoreOrganisation(organisationId: string): Promise<boolean> {
    const org = await this.dataSource
      .getRepository(Organisation)
      .findOne({ where: { id: organisationId } });
    return org?.kind === 'store';
  }

  create(values: DropOffStoreValues): Promise<DropOffStoreRecord> {
    const repo = this.dataSource.getRepository(DropOffStoreRecord);
    return repo.save(repo.create(values));
  }

  /** Changes a store; false when there is none. */
  async update(id: string, values: Partial<DropOffStoreValues>): Promise<boolean> {
    const result = await this.dataSource.getRepository(DropOffStoreRecord).update({ id }, values);
    return Boolean(result.affected);
  }

  /** Writes stores by code (the seed's), in the caller's transaction. */
  async upsertByCode(manager: EntityManager, rows: Omit<DropOffStoreValues, 'active'>[]) {
    await manager.getRepository(DropOffStoreRecord).upsert(rows, ['code']);
  }
}
