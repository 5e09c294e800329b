import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { days, defineMachine, ESCALATE } from '../../core/state-machine/machine.js';
import { RecyclingLot } from '../data/recycling.entities.js';
import { lotHasItems, lotItemIds } from '../data/recycling-lot.repository.js';

export const RECYCLING_LOT_STATES = ['OPEN', 'SEALED', 'HANDED_OVER', 'SETTLED'] as const;
export type RecyclingLotState = (typeof RECYCLING_LOT_STATES)[number];

/** Recyclers see their lots, warehouse staff their warehouse's; admin and support all. */
export const RecyclingLotAccess = defineAccessPolicy<RecyclingLot>({
  name: 'Recycling lot',
  entity: RecyclingLot,
  rules: {
    technician: [{ recyclerId: 'organisationId' }],
    warehouse: [{ warehouseId: 'organisationId' }],
  },
});

/**
 * Spec §3: OPEN → SEALED → HANDED_OVER → SETTLED. The warehouse seals and hands over (the
 * recycler's staff sign); the recycler settles with its weight, value and certificate.
 */
export const RecyclingLotMachine = defineMachine<RecyclingLotState, RecyclingLot>({
  name: 'RecyclingLot',
  entity: RecyclingLot,
  states: RECYCLING_LOT_STATES,
  initial: ['OPEN'],
  terminal: ['SETTLED'],
  // OPEN has no limit: a lot fills with scrap at its own pace until the warehouse seals it.
  timeouts: {
    SEALED: {
      afterMs: days(7),
      followUp: ESCALATE,
      why: 'a sealed lot is collected by the recycler within a week',
    },
    HANDED_OVER: {
      afterMs: days(30),
      followUp: ESCALATE,
      why: 'recyclers settle and certify a lot within a month',
    },
  },
  transitions: [
    {
      action: 'seal',
      from: ['OPEN'],
      to: 'SEALED',
      roles: ['warehouse', 'admin'],
      guard: async ({ entity, manager }) =>
        (await lotHasItems(manager, entity.id)) ? undefined : 'the lot is empty',
    },
    {
      action: 'hand-over',
      from: ['SEALED'],
      to: 'HANDED_OVER',
      roles: ['warehouse', 'technician', 'admin'],
    },
    { action: 'settle', from: ['HANDED_OVER'], to: 'SETTLED', roles: ['technician', 'admin'] },
  ],
  canAccess: RecyclingLotAccess.canSee,
  itemIds: (lot, manager) => lotItemIds(manager, lot.id),
});
