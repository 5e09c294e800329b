import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { decodeCursor, type PageQuery } from '../../core/http/pagination.js';
import { BlockedIdentifier } from './trade-in.entities.js';

/** Serials and IMEIs reported lost, stolen or financed (normalised). */
@Injectable()
export class BlockedIdentifierRepository extends DataRepository {
  /** One keyset page's rows, newest first: `limit + 1` of them when there are more. */
  latest(q: PageQuery, limit: number): Promise<BlockedIdentifier[]> {
    const cursor = decodeCursor(q.cursor);
    const qb = this.dataSource.getRepository(BlockedIdentifier).createQueryBuilder('b');
    if (cursor) qb.where('(b.created_at, b.id) < (:at, :id)', { at: cursor.at, id: cursor.id });
    return qb
      .orderBy('b.created_at', 'DESC')
      .addOrderBy('b.id', 'DESC')
      .take(limit + 1)
      .getMany();
  }

  /** Adds the identifier (once) and returns its row. */
  async add(
    identifier: string,
    reason: string | null,
    createdBy: string | null,
  ): Promise<BlockedIdentifier> {
    const repo = this.dataSource.getRepository(BlockedIdentifier);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ identifier, reason, createdBy })
      .orIgnore()
      .execute();
    return repo.findOneByOrFail({ identifier });
  }

  /** Removes the entry: whether there was one. */
  async remove(id: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(BlockedIdentifier).delete({ id });
    return !!result.affected;
  }

  /** The entries among these normalised identifiers. */
  matching(manager: EntityManager, identifiers: readonly string[]): Promise<BlockedIdentifier[]> {
    return manager
      .getRepository(BlockedIdentifier)
      .find({ where: identifiers.map((identifier) => ({ identifier })) });
  }
}
