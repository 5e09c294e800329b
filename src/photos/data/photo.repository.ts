import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { execute } from '../../core/sql.js';
import { PhotoAccess } from '../domain/photo-access.js';
import type { PhotoPurpose } from '../domain/photo-purposes.js';
import { Photo } from './photo.entity.js';

/** A photo as uploaded, before its row is written. */
export type NewPhoto = Omit<Photo, 'createdAt'>;

/** Photos and their attachments to the things they show. */
@Injectable()
export class PhotoRepository extends DataRepository {
  async insert(values: NewPhoto): Promise<Photo> {
    const repo = this.dataSource.getRepository(Photo);
    return repo.save(repo.create(values));
  }

  findPhoto(id: string): Promise<Photo | null> {
    return this.dataSource.getRepository(Photo).findOneBy({ id });
  }

  /** The photo, or 404 unless `PhotoAccess` lets the actor see it. */
  async findVisible(actor: Actor, id: string): Promise<Photo> {
    return PhotoAccess.assertVisibleTo(
      this.dataSource.manager,
      await this.findPhoto(id),
      actor,
      id,
    );
  }

  findPublic(id: string): Promise<Photo | null> {
    return this.dataSource.getRepository(Photo).findOneBy({ id, public: true });
  }

  /** The photos of these ids that exist (no order promised). */
  findPhotos(ids: string[], manager?: EntityManager): Promise<Photo[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.manager(manager)
      .getRepository(Photo)
      .findBy({ id: In(ids) });
  }

  /** Attaches a photo to a thing at `position` (attaching again changes nothing). */
  async attach(
    manager: EntityManager,
    a: {
      photoId: string;
      kind: PhotoPurpose;
      subjectId: string;
      position: number;
      by: string | null;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO photo_attachments (photo_id, subject_kind, subject_id, position, attached_by)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [a.photoId, a.kind, a.subjectId, a.position, a.by],
    );
  }

  async makePublic(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.update(Photo, { id: In(ids) }, { public: true });
  }

  /** The ids of the photos attached to a thing, in order. */
  async attachedIds(kind: PhotoPurpose, subjectId: string, manager?: EntityManager) {
    const rows: Array<{ id: string }> = await this.manager(manager).query(
      `SELECT photo_id AS id FROM photo_attachments
        WHERE subject_kind = $1 AND subject_id = $2 ORDER BY position, created_at`,
      [kind, subjectId],
    );
    return rows.map((r) => r.id);
  }

  /** The photos attached to each of these things, in order, with the thing's id. */
  async attachedTo(
    kind: PhotoPurpose,
    subjectIds: string[],
  ): Promise<Array<{ subjectId: string; photo: Photo }>> {
    const rows = await this.dataSource
      .getRepository(Photo)
      .createQueryBuilder('p')
      .innerJoin('photo_attachments', 'a', 'a.photo_id = p.id')
      .addSelect('a.subject_id', 'subject_id')
      .where('a.subject_kind = :kind AND a.subject_id = ANY(:ids::uuid[])', {
        kind,
        ids: subjectIds,
      })
      .orderBy('a.position')
      .addOrderBy('a.created_at')
      .getRawAndEntities();
    return rows.entities.map((photo, i) => ({
      subjectId: (rows.raw[i] as { subject_id: string }).subject_id,
      photo,
    }));
  }

  /** How many photos a thing has. */
  async countAttached(
    manager: EntityManager,
    kind: PhotoPurpose,
    subjectId: string,
  ): Promise<number> {
    const rows: Array<{ n: number }> = await manager.query(
      'SELECT count(*)::int AS n FROM photo_attachments WHERE subject_kind = $1 AND subject_id = $2',
      [kind, subjectId],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Deletes up to `batch` photos uploaded before `cutoff` and attached to nothing (skipping rows
   * another transaction holds); returns their objects' keys.
   */
  async deleteUnattached(
    cutoff: Date,
    batch: number,
  ): Promise<Array<{ storage_key: string; thumbnail_key: string }>> {
    const { rows } = await execute<{ storage_key: string; thumbnail_key: string }>(
      this.dataSource.manager,
      `DELETE FROM photos WHERE id IN (
           SELECT p.id FROM photos p
            WHERE p.created_at < $1
              AND NOT EXISTS (SELECT 1 FROM photo_attachments a WHERE a.photo_id = p.id)
            ORDER BY p.created_at LIMIT $2
            FOR UPDATE SKIP LOCKED)
           AND NOT EXISTS (SELECT 1 FROM photo_attachments a WHERE a.photo_id = photos.id)
         RETURNING storage_key, thumbnail_key`,
      [cutoff, batch],
    );
    return rows;
  }
}
