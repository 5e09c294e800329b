import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page, paginate } from '../../core/http/pagination.js';
import { CertificateAccess } from '../certificate-access.js';
import { Certificate } from './erasure.entities.js';

/** Certificates of sanitization (and of destruction), and what the erasure gate reads of them. */
@Injectable()
export class CertificateRepository extends DataRepository {
  byId(id: string): Promise<Certificate | null> {
    return this.dataSource.getRepository(Certificate).findOne({ where: { id } });
  }

  byNumber(number: string): Promise<Certificate | null> {
    return this.dataSource.getRepository(Certificate).findOne({ where: { number } });
  }

  /** The certificate of an erasure, if it has one. */
  ofErasure(erasureId: string): Promise<Certificate | null> {
    return this.dataSource.getRepository(Certificate).findOne({ where: { erasureId } });
  }

  /** The certificates the actor may see, of one item if asked, a keyset page at a time. */
  page(
    actor: Actor,
    query: { itemId?: string; limit?: number; cursor?: string },
  ): Promise<Page<Certificate>> {
    const qb = this.dataSource.getRepository(Certificate).createQueryBuilder('c');
    CertificateAccess.restrict(qb, actor, 'c');
    if (query.itemId) qb.andWhere('c.item_id = :itemId', { itemId: query.itemId });
    return paginate(qb, query);
  }

  /** When the item last left the platform (sold, or returned to its owner), if ever. */
  async leftPlatformAt(manager: EntityManager, itemId: string): Promise<Date | null> {
    const [left] = await manager.query<Array<{ at: Date | null }>>(
      `SELECT max(at) AS at FROM item_events
        WHERE item_id = $1 AND entity = 'Item' AND to_state IN ('SOLD', 'RETURNED_TO_OWNER')`,
      [itemId],
    );
    return left?.at ?? null;
  }

  /** Every erasure certificate of the item, revoked ones included. */
  erasureCertificatesOf(manager: EntityManager, itemId: string): Promise<Certificate[]> {
    return manager.getRepository(Certificate).find({ where: { itemId, kind: 'erasure' } });
  }

  /** The item's certificates issued as credentials, oldest first. */
  credentialsOf(manager: EntityManager, itemId: string) {
    return manager.query<
      Array<{ id: string; number: string; kind: string; revoked_at: Date | null }>
    >(
      `SELECT id, number, kind, revoked_at FROM certificates
        WHERE item_id = $1 AND credential IS NOT NULL ORDER BY issued_at, id`,
      [itemId],
    );
  }
}
