import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { days, defineMachine, ESCALATE, hours } from '../../core/state-machine/machine.js';
import { ItemAccess } from '../../core/items/item.machine.js';
import { Erasure, type ErasureState, StorageMedium } from '../data/erasure.entities.js';

/** A storage medium is seen by whoever sees the item it came out of. */
export const StorageMediumAccess = defineAccessPolicy<StorageMedium>({
  name: 'Storage medium',
  entity: StorageMedium,
  rules: { any: [{ follows: { policy: ItemAccess, by: 'itemId' } }] },
});

export const ERASURE_STATES: readonly ErasureState[] = [
  'QUEUED',
  'RUNNING',
  'VERIFYING',
  'SUCCEEDED',
  'FAILED',
  'AWAITING_DESTRUCTION',
  'DESTROYED',
];

/** Whoever may see a wipe: platform staff, the organisation doing it, who asked, the owner. */
export const ErasureAccess = defineAccessPolicy<Erasure>({
  name: 'Erasure',
  entity: Erasure,
  rules: {
    any: [{ organisationId: 'organisationId' }, { requestedBy: 'userId' }, { ownerId: 'userId' }],
  },
});

/**
 * One wipe of one medium (spec §3). The station's progress and the policy check are the
 * platform's (system); people import a tool's report, route a medium to destruction and record
 * the destruction. `certify` is only reached after checkRunAgainstPolicy found nothing.
 */
export const ErasureMachine = defineMachine<ErasureState, Erasure>({
  name: 'Erasure',
  entity: Erasure,
  states: ERASURE_STATES,
  initial: ['QUEUED'],
  terminal: ['SUCCEEDED', 'DESTROYED'],
  timeouts: {
    QUEUED: {
      afterMs: days(1),
      followUp: ESCALATE,
      why: 'a wipe waits for a station for hours at most; a day means no station took it',
    },
    RUNNING: {
      afterMs: hours(12),
      followUp: ESCALATE,
      why: 'even a multi-pass wipe of a large drive ends within hours',
    },
    VERIFYING: {
      afterMs: hours(12),
      followUp: ESCALATE,
      why: 'verification reads the medium once; half a day means the station went silent',
    },
    FAILED: {
      afterMs: days(1),
      followUp: ESCALATE,
      why: 'a failed wipe is retried or routed to destruction at once',
    },
    AWAITING_DESTRUCTION: {
      afterMs: days(7),
      followUp: ESCALATE,
      why: 'a medium that still holds data waits for the shredder at most a week',
    },
  },
  transitions: [
    { action: 'start', from: ['QUEUED'], to: 'RUNNING', roles: ['system', 'admin'] },
    // Staff put a queued wipe on a registered station and name the device holding the medium.
    { action: 'assign-station', from: ['QUEUED'], to: 'QUEUED', roles: ['warehouse', 'admin'] },
    // The station refused before writing anything (wrong drive in the bay), or was revoked.
    { action: 'release', from: ['RUNNING'], to: 'QUEUED', roles: ['system'] },
    { action: 'verify', from: ['RUNNING'], to: 'VERIFYING', roles: ['system', 'admin'] },
    {
      action: 'import-report',
      from: ['QUEUED'],
      to: 'VERIFYING',
      roles: ['warehouse', 'courier', 'admin', 'system'],
    },
    { action: 'certify', from: ['VERIFYING'], to: 'SUCCEEDED', roles: ['system'] },
    { action: 'fail', from: ['RUNNING', 'VERIFYING'], to: 'FAILED', roles: ['system'] },
    { action: 'retry', from: ['FAILED'], to: 'QUEUED', roles: ['system'] },
    {
      action: 'route-to-destruction',
      from: ['QUEUED', 'FAILED'],
      to: 'AWAITING_DESTRUCTION',
      roles: ['warehouse', 'admin', 'system'],
    },
    {
      action: 'record-destruction',
      from: ['AWAITING_DESTRUCTION'],
      to: 'DESTROYED',
      roles: ['warehouse', 'admin'],
    },
  ],
  canAccess: ErasureAccess.canSee,
  itemIds: (e: Erasure) => [e.itemId],
});
