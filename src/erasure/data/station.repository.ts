import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Organisation } from '../../accounts/organisation.entity.js';
import { DataRepository } from '../../core/data/repository.js';
import { Station } from './erasure.entities.js';

/** Registered wiping stations, and the organisations they belong to. */
@Injectable()
export class StationRepository extends DataRepository {
  readonly byId = this.findByIdOf(Station);

  byIdOrFail(manager: EntityManager, id: string): Promise<Station> {
    return manager.getRepository(Station).findOneByOrFail({ id });
  }

  byKeyId(keyId: string): Promise<Station | null> {
    return this.dataSource.getRepository(Station).findOne({ where: { keyId } });
  }

  organisation(id: string): Promise<Organisation | null> {
    return this.dataSource.getRepository(Organisation).findOne({ where: { id } });
  }

  add(values: Partial<Station>): Promise<Station> {
    const repo = this.dataSource.getRepository(Station);
    return repo.save(repo.create(values));
  }

  /** Every station, or an organisation's, oldest first. */
  list(organisationId?: string): Promise<Station[]> {
    const repo = this.dataSource.getRepository(Station);
    if (organisationId === undefined) return repo.find({ order: { createdAt: 'ASC' } });
    return repo.find({ where: { organisationId }, order: { createdAt: 'ASC' } });
  }

  /** Locks the station's row for the transaction. */
  async lock(manager: EntityManager, id: string): Promise<void> {
    await manager.query('SELECT 1 FROM stations WHERE id = $1 FOR UPDATE', [id]);
  }

  async markRevoked(
    manager: EntityManager,
    id: string,
    revokedBy: string | null,
    reason: string,
  ): Promise<void> {
    await manager
      .getRepository(Station)
      .update({ id }, { revokedAt: new Date(), revokedBy, revocationReason: reason });
  }

  async touchLastSeen(id: string): Promise<void> {
    await this.dataSource.getRepository(Station).update({ id }, { lastSeenAt: new Date() });
  }
}
