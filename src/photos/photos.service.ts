import { createHash, randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import type { Photo } from './data/photo.entity.js';
import { PhotoRepository } from './data/photo.repository.js';
import { processImage, UnsupportedImage } from './domain/image.js';
import { type PhotoPurpose, UPLOADERS } from './domain/photo-purposes.js';
import { PHOTO_STORE, type PhotoStore } from './data/photo-store.js';

/** Photos per pruning round (each costs two object deletions). */
const PRUNE_PHOTOS_BATCH = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Is this reference an uploaded photo's id (rather than a free-text reference)? */
export const isPhotoId = (ref: unknown): ref is string => typeof ref === 'string' && UUID.test(ref);

export interface PhotoView {
  id: string;
  purpose: PhotoPurpose;
  contentType: string;
  sizeBytes: number;
  width: number;
  height: number;
  sha256: string;
  thumbnail: { width: number; height: number };
  public: boolean;
  /** Who took it and for which organisation: shown to that side and to staff only. */
  uploadedBy: string | null;
  organisationId: string | null;
  createdAt: string;
}

export function photoView(p: Photo, showUploader = true): PhotoView {
  return {
    id: p.id,
    purpose: p.purpose,
    contentType: p.contentType,
    sizeBytes: p.sizeBytes,
    width: p.width,
    height: p.height,
    sha256: p.sha256,
    thumbnail: { width: p.thumbnailWidth, height: p.thumbnailHeight },
    public: p.public,
    uploadedBy: showUploader ? p.uploadedBy : null,
    organisationId: showUploader ? p.organisationId : null,
    createdAt: p.createdAt.toISOString(),
  };
}

/**
 * Photos: upload (decoded, turned upright, cleaned of metadata, thumbnailed), read with access
 * per photo, and attach to the things they show. A photo is visible to its uploader's
 * organisation (the uploader, for people without one), to admin and support, and to whoever may
 * see a thing it is attached to; a listing's photos are public.
 */
@Injectable()
export class PhotosService {
  constructor(
    private readonly photos: PhotoRepository,
    @Inject(PHOTO_STORE) private readonly store: PhotoStore,
  ) {}

  async upload(actor: Actor, purpose: PhotoPurpose, bytes: Buffer): Promise<PhotoView> {
    if (!actor.userId) throw new ForbiddenException('Photos are uploaded by people');
    if (!UPLOADERS[purpose].includes(actor.role)) {
      throw new ForbiddenException(
        `A ${actor.role} does not take photos for ${purpose}s (${UPLOADERS[purpose].join(', ')} do)`,
      );
    }
    let image;
    try {
      image = await processImage(bytes);
    } catch (err) {
      if (err instanceof UnsupportedImage) throw new UnsupportedMediaTypeException(err.message);
      throw err;
    }
    const id = randomUUID();
    const now = new Date();
    const folder = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const storageKey = `${folder}/${id}.jpg`;
    const thumbnailKey = `${folder}/${id}-thumb.jpg`;
    // Bytes first, then the row: a row never names an object the store does not have.
    await this.store.put(storageKey, image.data, 'image/jpeg');
    await this.store.put(thumbnailKey, image.thumbnail.data, 'image/jpeg');
    const row = await this.photos.insert({
      id,
      organisationId: actor.organisationId,
      uploadedBy: actor.userId,
      purpose,
      sha256: createHash('sha256').update(image.data).digest('hex'),
      contentType: 'image/jpeg',
      sizeBytes: image.data.length,
      width: image.width,
      height: image.height,
      sourceFormat: image.sourceFormat,
      storageKey,
      thumbnailKey,
      thumbnailWidth: image.thumbnail.width,
      thumbnailHeight: image.thumbnail.height,
      public: false,
    });
    return photoView(row);
  }

  async read(actor: Actor, id: string): Promise<PhotoView> {
    const photo = await this.visible(actor, id);
    return photoView(photo, this.isOwnSide(actor, photo));
  }

  /** The photo's bytes (`full`) or its thumbnail, for someone who may see it. */
  async image(actor: Actor, id: string, size: 'full' | 'thumbnail'): Promise<Buffer> {
    return this.bytes(await this.visible(actor, id), size);
  }

  /** A public photo (on a listing), for anyone; any other id is a 404. */
  async publicImage(id: string, size: 'full' | 'thumbnail'): Promise<Buffer> {
    const photo = await this.photos.findPublic(id);
    if (!photo) throw new NotFound('Photo', id);
    return this.bytes(photo, size);
  }

  /**
   * Attaches uploaded photos to a thing (in the caller's transaction). Each must be an uploaded
   * photo for this kind of thing that the actor's side took (admin and support may use any);
   * otherwise a 400 naming the entry (`<field>[i]`). With `allowReferences`, entries that are
   * not ids (free-text references kept elsewhere) are passed over. Attaching again is a no-op.
   * Public ones (listings) become visible to anyone.
   */
  async attach(
    manager: EntityManager,
    actor: Actor,
    kind: PhotoPurpose,
    subjectId: string,
    refs: readonly unknown[],
    opts: { field: string; public?: boolean; position?: number; allowReferences?: boolean },
  ): Promise<PhotoView[]> {
    const photos = await this.usable(manager, actor, kind, refs, opts);
    for (const [i, photo] of photos.entries()) {
      await this.photos.attach(manager, {
        photoId: photo.id,
        kind,
        subjectId,
        position: (opts.position ?? 0) + i,
        by: actor.userId,
      });
    }
    if (opts.public && photos.length) {
      await this.photos.makePublic(
        manager,
        photos.map((p) => p.id),
      );
      for (const p of photos) p.public = true;
    }
    return photos.map((p) => photoView(p));
  }

  /** The photos these entries name, checked as `attach` does, in the order given. */
  async usable(
    manager: EntityManager,
    actor: Actor,
    kind: PhotoPurpose,
    refs: readonly unknown[],
    opts: { field: string; allowReferences?: boolean },
  ): Promise<Photo[]> {
    const bad = (i: number, why: string) =>
      new BadRequestException({
        message: `${opts.field}[${i}]: ${why}`,
        code: 'photo_not_usable',
        fields: [{ field: `${opts.field}[${i}]`, errors: [why] }],
      });
    const wanted = refs.filter(isPhotoId).map((r) => r.toLowerCase());
    const found = await this.photos.findPhotos(wanted, manager);
    const byId = new Map(found.map((p) => [p.id, p]));
    const out: Photo[] = [];
    for (const [i, ref] of refs.entries()) {
      if (!isPhotoId(ref)) {
        if (opts.allowReferences && typeof ref === 'string') continue;
        throw bad(i, 'not a photo id (upload it with POST /api/v1/photos)');
      }
      const photo = byId.get(ref.toLowerCase());
      if (!photo || !this.isOwnSide(actor, photo)) {
        throw bad(i, 'not an uploaded photo of yours (upload it with POST /api/v1/photos)');
      }
      if (photo.purpose !== kind) {
        throw bad(i, `this photo was uploaded for a ${photo.purpose}, not a ${kind}`);
      }
      if (!out.includes(photo)) out.push(photo);
    }
    return out;
  }

  /**
   * The photos attached to a thing, in order, as `actor` sees them (the caller has checked they
   * may see the thing; the uploader is named only to their own side and staff).
   */
  async forSubject(
    actor: Actor,
    kind: PhotoPurpose,
    subjectId: string,
    manager?: EntityManager,
  ): Promise<PhotoView[]> {
    const ids = await this.photos.attachedIds(kind, subjectId, manager);
    if (!ids.length) return [];
    const photos = await this.photos.findPhotos(ids, manager);
    const byId = new Map(photos.map((p) => [p.id, p]));
    return ids.flatMap((id) => {
      const photo = byId.get(id);
      return photo ? [photoView(photo, this.isOwnSide(actor, photo))] : [];
    });
  }

  /** The photos attached to each of these things, in order (for lists such as the market). */
  async forSubjects(kind: PhotoPurpose, subjectIds: string[]): Promise<Map<string, PhotoView[]>> {
    const out = new Map<string, PhotoView[]>(subjectIds.map((id) => [id, []]));
    if (!subjectIds.length) return out;
    for (const { subjectId, photo } of await this.photos.attachedTo(kind, subjectIds)) {
      out.get(subjectId)?.push(photoView(photo));
    }
    return out;
  }

  /** How many photos a thing has (the next attachment's position). */
  countFor(manager: EntityManager, kind: PhotoPurpose, subjectId: string): Promise<number> {
    return this.photos.countAttached(manager, kind, subjectId);
  }

  /**
   * Retention: photos uploaded before `cutoff` and never attached to anything (a grader who took
   * one too many, an abandoned form) are deleted, row first — so a late attach finds no photo
   * rather than a photo without bytes — then their objects. Returns how many went.
   */
  async pruneUnattached(cutoff: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const gone = await this.photos.deleteUnattached(cutoff, PRUNE_PHOTOS_BATCH);
      for (const row of gone) {
        await this.store.delete(row.storage_key);
        await this.store.delete(row.thumbnail_key);
      }
      total += gone.length;
      if (gone.length < PRUNE_PHOTOS_BATCH) return total;
    }
  }

  private isOwnSide(actor: Actor, photo: Photo): boolean {
    if (seesEverything(actor)) return true;
    if (photo.uploadedBy === actor.userId) return true;
    return photo.organisationId !== null && photo.organisationId === actor.organisationId;
  }

  /** The photo, or 404 unless `PhotoAccess` lets the actor see it. */
  private async visible(actor: Actor, id: string): Promise<Photo> {
    return this.photos.findVisible(actor, id);
  }

  private async bytes(photo: Photo, size: 'full' | 'thumbnail'): Promise<Buffer> {
    const data = await this.store.get(size === 'full' ? photo.storageKey : photo.thumbnailKey);
    if (!data) throw new NotFound('Photo image', photo.id);
    return data;
  }
}
