import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
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

const t = transitionRows<RecyclingLotState, RecyclingLot>();

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
    SEALED: escalateAfter(days(7), 'a sealed lot is collected by the recycler within a week'),
    HANDED_OVER: escalateAfter(days(30), 'recyclers settle and certify a lot within a month'),
  },
  transitions: [
    t('seal', ['OPEN'], 'SEALED', ['warehouse', 'admin'], async ({ entity, manager }) =>
      (await lotHasItems(manager, entity.id)) ? undefined : 'the lot is empty',
    ),
    t('hand-over', ['SEALED'], 'HANDED_OVER', ['warehouse', 'technician', 'admin']),
    t('settle', ['HANDED_OVER'], 'SETTLED', ['technician', 'admin']),
  ],
  canAccess: RecyclingLotAccess.canSee,
  itemIds: (lot, manager) => lotItemIds(manager, lot.id),
});
