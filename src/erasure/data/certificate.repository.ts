import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page } from '../../core/http/pagination.js';
import { CertificateAccess } from '../domain/certificate-access.js';
import { Certificate, SigningKey } from './erasure.entities.js';

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
    return this.visiblePage(CertificateAccess, 'c', actor, query, { 'c.item_id': query.itemId });
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

  /** Whether the erasure already has its certificate. */
  async existsForErasure(manager: EntityManager, erasureId: string): Promise<boolean> {
    const existing = await manager.query<unknown[]>(
      'SELECT 1 FROM certificates WHERE erasure_id = $1',
      [erasureId],
    );
    return existing.length > 0;
  }

  /** Inserts a certificate; a second one of the same erasure is a no-op (unique erasure_id). */
  async insert(manager: EntityManager, values: Partial<Certificate>): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(Certificate)
      // A plain JSON object; TypeORM's deep-partial type does not accept Record<string, unknown>.
      .values(values as never)
      .orIgnore()
      .execute();
  }

  /** Revokes the erasure's live certificates; their status list slots, to revoke them there. */
  async revokeOfErasure(
    manager: EntityManager,
    erasureId: string,
    reason: string,
  ): Promise<Array<{ status_list: string | null; status_index: number | null }>> {
    const [revoked] = await manager.query<
      [Array<{ status_list: string | null; status_index: number | null }>, number]
    >(
      `UPDATE certificates SET revoked_at = now(), revocation_reason = $2
        WHERE erasure_id = $1 AND revoked_at IS NULL
        RETURNING status_list, status_index`,
      [erasureId, reason],
    );
    return revoked;
  }

  /** Records the platform's signing key (once). */
  async recordSigningKey(values: Pick<SigningKey, 'keyId' | 'algorithm' | 'publicKeyPem'>) {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SigningKey)
      .values(values)
      .orIgnore()
      .execute();
  }

  /** A key the platform signed with, if it ever did. */
  signingKey(keyId: string): Promise<SigningKey | null> {
    return this.dataSource.getRepository(SigningKey).findOne({ where: { keyId } });
  }
}
