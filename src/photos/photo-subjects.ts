import { Injectable } from '@nestjs/common';
import type { Actor } from '../core/actor.js';
import type { PhotoPurpose } from './photo-purposes.js';

/** May this actor see the thing (inspection, pickup, listing, case) with this id? */
export type SubjectAccess = (actor: Actor, subjectId: string) => Promise<boolean>;

/**
 * The port through which the stages that own inspections, pickups, listings and cases tell the
 * photos module who may see their things (and so the photos attached to them), without the
 * photos module reading their tables. Each stage registers its check in `onModuleInit`.
 */
@Injectable()
export class PhotoSubjects {
  private readonly checks = new Map<PhotoPurpose, SubjectAccess>();

  register(kind: PhotoPurpose, check: SubjectAccess): void {
    if (this.checks.has(kind)) throw new Error(`Photo subject ${kind} is registered twice`);
    this.checks.set(kind, check);
  }

  async canSee(actor: Actor, kind: PhotoPurpose, subjectId: string): Promise<boolean> {
    const check = this.checks.get(kind);
    return check ? check(actor, subjectId) : false;
  }
}
