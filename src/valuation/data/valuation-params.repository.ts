import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { ValuationParamsVersion } from './valuation-params.entity.js';

/** The fitted parameter versions: at most one active. */
@Injectable()
export class ValuationParamsRepository extends DataRepository {
  active(manager?: EntityManager): Promise<ValuationParamsVersion | null> {
    return this.manager(manager)
      .getRepository(ValuationParamsVersion)
      .findOne({ where: { active: true } });
  }

  byVersion(version: string): Promise<ValuationParamsVersion | null> {
    return this.dataSource.getRepository(ValuationParamsVersion).findOne({ where: { version } });
  }

  /** The latest versions, newest first. */
  recent(take: number): Promise<ValuationParamsVersion[]> {
    return this.dataSource
      .getRepository(ValuationParamsVersion)
      .find({ order: { createdAt: 'DESC' }, take });
  }

  /**
   * Keeps a refit's version (a version fitted again is not stored twice) and, when `promoted`,
   * makes it the one active version — in one transaction.
   */
  async keep(
    fitted: Pick<
      ValuationParamsVersion,
      'version' | 'params' | 'diagnostics' | 'metrics' | 'salesCount' | 'trigger'
    >,
    promoted: boolean,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(ValuationParamsVersion);
      if (promoted) await m.query('UPDATE valuation_params SET active = false WHERE active');
      const existing = await repo.findOne({ where: { version: fitted.version } });
      if (existing) {
        if (promoted) await repo.update({ id: existing.id }, { active: true });
      } else {
        await repo.insert({ ...fitted, active: promoted });
      }
    });
  }
}
