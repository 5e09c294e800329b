import { TransitionConflict } from '../core/errors.js';
import type { ApplyParams, TransitionService } from '../core/state-machine/transition.service.js';
import type { Erasure } from './data/erasure.entities.js';
import { ErasureMachine } from './domain/erasure.machine.js';

/**
 * A try starts: QUEUED → RUNNING under a lease, at the version read, by the RunErasure job's
 * automatic station or a registered station claiming its next wipe. Null when the erasure moved
 * meanwhile (another worker claimed it, staff changed it): the caller leaves it.
 */
export async function startTry(
  transitions: TransitionService,
  e: Erasure,
  start: Pick<ApplyParams<Erasure>, 'actor' | 'checkAccess' | 'patch' | 'data'>,
): Promise<Erasure | null> {
  try {
    return await transitions.apply(ErasureMachine, {
      id: e.id,
      action: 'start',
      expectedVersion: e.version,
      ...start,
    });
  } catch (err) {
    if (err instanceof TransitionConflict) return null;
    throw err;
  }
}
