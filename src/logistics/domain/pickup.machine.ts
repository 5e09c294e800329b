import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { days, defineMachine, ESCALATE } from '../../core/state-machine/machine.js';
import { PICKUP_STATES, Pickup } from '../data/pickup.entity.js';

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
    SCHEDULED: {
      afterMs: days(2),
      followUp: ESCALATE,
      why: 'windows are same day or next day; two days unassigned means dispatch has no courier',
    },
    ASSIGNED: {
      afterMs: days(2),
      followUp: ESCALATE,
      why: 'an assigned pickup not started in two days is a courier who will not come',
    },
    EN_ROUTE: {
      afterMs: days(1),
      followUp: ESCALATE,
      why: 'a courier is on the way for hours, not a day',
    },
    COLLECTED: {
      afterMs: days(3),
      followUp: ESCALATE,
      why: 'a parcel in a courier’s hands for three days is lost or forgotten',
    },
    FAILED: {
      afterMs: days(1),
      followUp: ESCALATE,
      why: 'a failed attempt is rescheduled at once; FAILED for a day means no window was free',
    },
  },
  transitions: [
    {
      action: 'assign',
      from: ['SCHEDULED', 'ASSIGNED'],
      to: 'ASSIGNED',
      roles: ['admin', 'system'],
    },
    { action: 'start', from: ['ASSIGNED'], to: 'EN_ROUTE', roles: ['courier'] },
    // The courier moves their pickup to another free window, with the customer's agreement.
    { action: 'move-window', from: ['ASSIGNED'], to: 'ASSIGNED', roles: ['courier'] },
    // The courier cannot make it: back to dispatch, unassigned.
    { action: 'hand-back', from: ['ASSIGNED'], to: 'SCHEDULED', roles: ['courier'] },
    { action: 'collect', from: ['EN_ROUTE'], to: 'COLLECTED', roles: ['courier'] },
    { action: 'deliver', from: ['COLLECTED'], to: 'DELIVERED', roles: ['courier'] },
    { action: 'fail', from: ['ASSIGNED', 'EN_ROUTE'], to: 'FAILED', roles: ['courier', 'admin'] },
    { action: 'reschedule', from: ['FAILED'], to: 'SCHEDULED', roles: ['system', 'admin'] },
    {
      action: 'cancel',
      from: ['SCHEDULED', 'ASSIGNED', 'EN_ROUTE', 'FAILED'],
      to: 'CANCELLED',
      roles: ['system', 'admin'],
    },
  ],
  canAccess: PickupAccess.canSee,
  itemIds: (p: Pickup) => p.itemIds,
});
