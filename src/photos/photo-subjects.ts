import { Injectable } from '@nestjs/common';
import type { ObjectLiteral } from 'typeorm';
import type { AccessPolicy } from '../core/access/access-policy.js';
import { PHOTO_SUBJECT_POLICIES } from './domain/photo-access.js';
import type { PhotoPurpose } from './domain/photo-purposes.js';

/**
 * The port through which the stages that own inspections, pickups, listings and cases tell the
 * photos module who may see their things (and so the photos attached to them), without the
 * photos module reading their tables: each stage registers its thing's access policy in
 * `onModuleInit`, and `PhotoAccess` follows it (a related-row rule through `photo_attachments`).
 */
@Injectable()
export class PhotoSubjects {
  register<E extends ObjectLiteral>(kind: PhotoPurpose, policy: AccessPolicy<E>): void {
    PHOTO_SUBJECT_POLICIES[kind].bind(policy as unknown as AccessPolicy<ObjectLiteral>);
  }
}
