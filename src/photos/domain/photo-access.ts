import type { ObjectLiteral } from 'typeorm';
import {
  type AccessPolicy,
  type BoundLaterPolicy,
  defineAccessPolicy,
  policyBoundLater,
} from '../../core/access/access-policy.js';
import { Photo } from '../data/photo.entity.js';
import { PHOTO_PURPOSES, type PhotoPurpose } from './photo-purposes.js';

/**
 * The policy of each kind of thing a photo is attached to (inspection, pickup, listing, case),
 * bound by the stage that owns it (`PhotoSubjects.register`): the photos module reads no stage's
 * tables and imports no stage.
 */
export const PHOTO_SUBJECT_POLICIES = Object.fromEntries(
  PHOTO_PURPOSES.map((kind) => [kind, policyBoundLater(`Photo subject ${kind}`)]),
) as Record<PhotoPurpose, BoundLaterPolicy<ObjectLiteral>>;

/** A `photo_attachments` row (read with raw SQL: its properties are its columns). */
interface PhotoAttachmentRow {
  photo_id: string;
  subject_kind: PhotoPurpose;
  subject_id: string;
}

/** An attachment is seen by whoever sees the thing it attaches the photo to. */
export const PhotoAttachmentAccess = defineAccessPolicy<PhotoAttachmentRow>({
  name: 'Photo attachment',
  table: 'photo_attachments',
  rules: {
    any: PHOTO_PURPOSES.map((kind) => ({
      subject_kind: { is: kind },
      follows: { policy: PHOTO_SUBJECT_POLICIES[kind], by: 'subject_id' as const },
    })),
  },
});

/**
 * A photo (issue 22): its uploader, its uploader's organisation, admin and support, and whoever
 * may see a thing it is attached to; a listing's photos are public. The uploader's clause comes
 * first: it is the one the access matrix makes its fixture with.
 */
export const PhotoAccess: AccessPolicy<Photo> = defineAccessPolicy<Photo>({
  name: 'Photo',
  entity: Photo,
  rules: {
    any: [
      { uploadedBy: 'userId' },
      { organisationId: 'organisationId' },
      { public: { is: true } },
      { follows: { policy: PhotoAttachmentAccess, by: 'id', to: 'photo_id' } },
    ],
  },
});
