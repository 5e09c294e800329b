import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  hours,
  transitionRows,
} from '../../core/state-machine/machine.js';
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

const t = transitionRows<ErasureState, Erasure>();

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
    QUEUED: escalateAfter(
      days(1),
      'a wipe waits for a station for hours at most; a day means no station took it',
    ),
    RUNNING: escalateAfter(hours(12), 'even a multi-pass wipe of a large drive ends within hours'),
    VERIFYING: escalateAfter(
      hours(12),
      'verification reads the medium once; half a day means the station went silent',
    ),
    FAILED: escalateAfter(days(1), 'a failed wipe is retried or routed to destruction at once'),
    AWAITING_DESTRUCTION: escalateAfter(
      days(7),
      'a medium that still holds data waits for the shredder at most a week',
    ),
  },
  transitions: [
    t('start', ['QUEUED'], 'RUNNING', ['system', 'admin']),
    // Staff put a queued wipe on a registered station and name the device holding the medium.
    t('assign-station', ['QUEUED'], 'QUEUED', ['warehouse', 'admin']),
    // The station refused before writing anything (wrong drive in the bay), or was revoked.
    t('release', ['RUNNING'], 'QUEUED', ['system']),
    t('verify', ['RUNNING'], 'VERIFYING', ['system', 'admin']),
    t('import-report', ['QUEUED'], 'VERIFYING', ['warehouse', 'courier', 'admin', 'system']),
    t('certify', ['VERIFYING'], 'SUCCEEDED', ['system']),
    t('fail', ['RUNNING', 'VERIFYING'], 'FAILED', ['system']),
    t('retry', ['FAILED'], 'QUEUED', ['system']),
    t('route-to-destruction', ['QUEUED', 'FAILED'], 'AWAITING_DESTRUCTION', [
      'warehouse',
      'admin',
      'system',
    ]),
    t('record-destruction', ['AWAITING_DESTRUCTION'], 'DESTROYED', ['warehouse', 'admin']),
  ],
  canAccess: ErasureAccess.canSee,
  itemIds: (e: Erasure) => [e.itemId],
});
