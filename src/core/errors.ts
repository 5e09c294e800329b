import { ConflictException, NotFoundException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import type { Actor } from './actor.js';
import { allowedActions, type AnyMachine, type StatefulRow } from './state-machine/machine.js';

/** 404 for a missing object and for one the actor may not see, so ids do not leak (spec §2). */
export class NotFound extends NotFoundException {
  constructor(what: string, id?: string) {
    super(id ? `${what} ${id} not found` : `${what} not found`);
  }
}

/**
 * The one 409 body (spec §5), whatever refused the request: `code` (stable, to translate) and
 * `message` always; `entity`, `state`, `version` and `allowedActions` when the refusal is about
 * an object's state; `fields` when a value clashes with a stored one; any other fact a client
 * may use (a limit, a reason, another record's id) under `details`. The HTTP filter folds every
 * 409 into this shape (see `toErrorBody`), so a `ConflictException` with extra keys still
 * answers it.
 */
export interface ConflictBody {
  statusCode: 409;
  error: 'Conflict';
  code: string;
  message: string;
  entity?: string;
  state?: string;
  version?: number;
  allowedActions?: string[];
  fields?: Array<{ field: string; errors: string[] }>;
  details?: Record<string, unknown>;
}

/** The keys of a 409 body besides `details`: everything else a thrower adds moves under it. */
export const CONFLICT_KEYS: ReadonlySet<string> = new Set([
  'statusCode',
  'error',
  'code',
  'message',
  'entity',
  'state',
  'version',
  'allowedActions',
  'fields',
  'details',
]);

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

/**
 * A 409 in the TransitionService's shape for a check a stage makes before it attempts a
 * transition: the entity's current state and version, and what this actor may do now.
 */
export function stateConflict<E extends StatefulRow>(
  machine: AnyMachine,
  entity: E,
  actor: Actor,
  message: string,
): TransitionConflict {
  return new TransitionConflict(message, {
    entity: machine.name,
    state: entity.state,
    version: entity.version,
    allowedActions: allowedActions(machine, entity, actor),
  });
}

/** A PostgreSQL unique violation (23505), e.g. the loser of two concurrent inserts. */
export function isUniqueViolation(err: unknown): err is QueryFailedError {
  return (
    err instanceof QueryFailedError &&
    (err.driverError as { code?: string } | undefined)?.code === '23505'
  );
}

/** The constraint a unique violation broke (`users_login_phone_key`), if PostgreSQL named it. */
export function violatedConstraint(err: QueryFailedError): string | undefined {
  return (err.driverError as { constraint?: string } | undefined)?.constraint;
}
