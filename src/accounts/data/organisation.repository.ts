import { Injectable } from '@nestjs/common';
import type { DeepPartial } from 'typeorm';
import { type PageQuery, paginate } from '../../core/http/pagination.js';
import { DataRepository } from '../../core/data/repository.js';
import { Organisation, type OrganisationKind } from '../organisation.entity.js';

/** What registering (or withdrawing) a certified erasure provider writes. */
export type ErasureProviderValues = Pick<
  Organisation,
  'certifiedErasureProvider' | 'erasureCertification' | 'erasureCertifiedBy' | 'erasureCertifiedAt'
>;

/** Organisations: warehouses, stores, partners, merchants. */
@Injectable()
export class OrganisationRepository extends DataRepository {
  byId(id: string): Promise<Organisation | null> {
    return this.dataSource.getRepository(Organisation).findOne({ where: { id } });
  }

  create(values: DeepPartial<Organisation>): Promise<Organisation> {
    const repo = this.dataSource.getRepository(Organisation);
    return repo.save(repo.create(values));
  }

  /** Records (or withdraws) an erasure provider's certification and reads the organisation back. */
  async setErasureProvider(id: string, values: ErasureProviderValues): Promise<Organisation> {
    const repo = this.dataSource.getRepository(Organisation);
    await repo.update({ id }, values);
    return repo.findOneByOrFail({ id });
  }

  /** Every organisation, newest first, a keyset page at a time. */
  list(kind: OrganisationKind | undefined, page: PageQuery) {
    const qb = this.dataSource.getRepository(Organisation).createQueryBuilder('o');
    if (kind) qb.andWhere('o.kind = :kind', { kind });
    return paginate(qb, page);
  }
}
