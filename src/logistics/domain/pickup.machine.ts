import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
import { PICKUP_STATES, Pickup, type PickupState } from '../data/pickup.entity.js';

/** Its courier, its customer, and the staff of the warehouse it goes to or the store it leaves. */
export const PickupAccess = defineAccessPolicy<Pickup>({
  name: 'Pickup',
  entity: Pickup,
  rules: {
    courier: [{ courierId: 'userId' }],
    customer: [{ customerId: 'userId' }],
    warehouse: [{ warehouseId: 'organisationId' }, { storeId: 'organisationId' }],
  },
});

const t = transitionRows<PickupState, Pickup>();

/**
 * Pickup (spec §3): SCHEDULED → ASSIGNED → EN_ROUTE → COLLECTED → DELIVERED; a failed attempt
 * passes through FAILED and, in the same transaction, back to SCHEDULED or on to CANCELLED.
 */
export const PickupMachine = defineMachine({
  name: 'Pickup',
  entity: Pickup,
  states: PICKUP_STATES,
  initial: ['SCHEDULED'],
  terminal: ['DELIVERED', 'CANCELLED'],
  // The SLA timer opens a case at the end of each window; these catch what outlives it.
  timeouts: {
    SCHEDULED: escalateAfter(
      days(2),
      'windows are same day or next day; two days unassigned means dispatch has no courier',
    ),
    ASSIGNED: escalateAfter(
      days(2),
      'an assigned pickup not started in two days is a courier who will not come',
    ),
    EN_ROUTE: escalateAfter(days(1), 'a courier is on the way for hours, not a day'),
    COLLECTED: escalateAfter(
      days(3),
      'a parcel in a courier’s hands for three days is lost or forgotten',
    ),
    FAILED: escalateAfter(
      days(1),
      'a failed attempt is rescheduled at once; FAILED for a day means no window was free',
    ),
  },
  transitions: [
    t('assign', ['SCHEDULED', 'ASSIGNED'], 'ASSIGNED', ['admin', 'system']),
    t('start', ['ASSIGNED'], 'EN_ROUTE', ['courier']),
    // The courier moves their pickup to another free window, with the customer's agreement.
    t('move-window', ['ASSIGNED'], 'ASSIGNED', ['courier']),
    // The courier cannot make it: back to dispatch, unassigned.
    t('hand-back', ['ASSIGNED'], 'SCHEDULED', ['courier']),
    t('collect', ['EN_ROUTE'], 'COLLECTED', ['courier']),
    t('deliver', ['COLLECTED'], 'DELIVERED', ['courier']),
    t('fail', ['ASSIGNED', 'EN_ROUTE'], 'FAILED', ['courier', 'admin']),
    t('reschedule', ['FAILED'], 'SCHEDULED', ['system', 'admin']),
    t('cancel', ['SCHEDULED', 'ASSIGNED', 'EN_ROUTE', 'FAILED'], 'CANCELLED', ['system', 'admin']),
  ],
  canAccess: PickupAccess.canSee,
  itemIds: (p: Pickup) => p.itemIds,
});
