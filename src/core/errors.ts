import { ConflictException, NotFoundException } from '@nestjs/common';

/** 404 for a missing object and for one the actor may not see, so ids do not leak (spec §2). */
export class NotFound extends NotFoundException {
  constructor(what: string, id?: string) {
    super(id ? `${what} ${id} not found` : `${what} not found`);
  }
}

/**
 * 409 for an illegal action or a stale version. The body names the current state, version and
 * the actions the caller may take now, so a client can recover without another round trip.
 */
export class TransitionConflict extends ConflictException {
  constructor(
    message: string,
    readonly details: { entity: string; state: string; version: number; allowedActions: string[] },
  ) {
    super({ message, ...details });
  }
}
