import { defineMachine } from '../../core/state-machine/machine.js';
import { inWarehouse } from '../access.js';
import { Parcel } from './parcel.entity.js';

export const PARCEL_STATES = ['EXPECTED', 'RECEIVED', 'RECEIVED_WITH_EXCEPTIONS'] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

/** Receiving closes a parcel once: clean, or with exceptions recorded for support. */
export const ParcelMachine = defineMachine<ParcelState, Parcel>({
  name: 'Parcel',
  entity: Parcel,
  states: PARCEL_STATES,
  initial: ['EXPECTED'],
  transitions: [
    {
      action: 'receive',
      from: ['EXPECTED'],
      to: 'RECEIVED',
      roles: ['warehouse', 'admin', 'system'],
    },
    {
      action: 'receive-with-exceptions',
      from: ['EXPECTED'],
      to: 'RECEIVED_WITH_EXCEPTIONS',
      roles: ['warehouse', 'admin', 'system'],
    },
  ],
  canAccess: (parcel, actor) => inWarehouse(actor, parcel.warehouseId),
  itemIds: (parcel) => parcel.itemIds,
});
