import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { GradingStandardRow } from './grading-standard.entity.js';
import type { GradingStandard } from '../standards/standard.js';
import { whereEqual } from '../../core/data/list-filters.js';

/** Published grading standards: one immutable row per family and version. */
@Injectable()
export class GradingStandardRepository extends DataRepository {
  readonly byId = this.findByIdOf(GradingStandardRow);

  /** The family's newest version, or null. */
  latest(code: string, manager?: EntityManager): Promise<GradingStandardRow | null> {
    return this.manager(manager)
      .getRepository(GradingStandardRow)
      .findOne({ where: { code }, order: { version: 'DESC' } });
  }

  familyExists(code: string, manager?: EntityManager): Promise<boolean> {
    return this.manager(manager).getRepository(GradingStandardRow).exists({ where: { code } });
  }

  /** Families by code, each newest version first (only the latest unless `allVersions`). */
  list(filter: { code?: string; allVersions?: boolean }): Promise<GradingStandardRow[]> {
    const qb = this.dataSource
      .getRepository(GradingStandardRow)
      .createQueryBuilder('s')
      .orderBy('s.code', 'ASC')
      .addOrderBy('s.version', 'DESC');
    whereEqual(qb, { 's.code': filter.code });
    if (!filter.allVersions) {
      qb.andWhere(
        's.version = (SELECT max(v.version) FROM grading_standards v WHERE v.code = s.code)',
      );
    }
    return qb.getMany();
  }

  /** Stores a version unless the family already has it. */
  async insertIfAbsent(
    standard: GradingStandard,
    fingerprint: string,
    manager?: EntityManager,
  ): Promise<void> {
    await this.manager(manager).query(
      `INSERT INTO grading_standards (code, version, name, definition, fingerprint)
       VALUES ($1, $2, $3, $4::jsonb, $5) ON CONFLICT (code, version) DO NOTHING`,
      [standard.code, standard.version, standard.name, JSON.stringify(standard), fingerprint],
    );
  }

  /** Stores a new version (a second publisher of the same version fails on the unique key). */
  insert(
    manager: EntityManager,
    standard: GradingStandard,
    fingerprint: string,
    publishedBy: string | null,
  ): Promise<GradingStandardRow> {
    const repo = manager.getRepository(GradingStandardRow);
    return repo.save(
      repo.create({
        code: standard.code,
        version: standard.version,
        name: standard.name,
        definition: standard,
        fingerprint,
        publishedBy,
      }),
    );
  }
}
