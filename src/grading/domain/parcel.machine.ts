import { days, defineMachine, ESCALATE } from '../../core/state-machine/machine.js';
import { ParcelAccess } from './access.js';
import { Parcel } from '../data/parcel.entity.js';

export const PARCEL_STATES = ['EXPECTED', 'RECEIVED', 'RECEIVED_WITH_EXCEPTIONS'] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

/** Receiving closes a parcel once: clean, or with exceptions recorded for support. */
export const ParcelMachine = defineMachine<ParcelState, Parcel>({
  name: 'Parcel',
  entity: Parcel,
  states: PARCEL_STATES,
  initial: ['EXPECTED'],
  terminal: ['RECEIVED', 'RECEIVED_WITH_EXCEPTIONS'],
  timeouts: {
    EXPECTED: {
      afterMs: days(2),
      followUp: ESCALATE,
      why: 'a delivered parcel is scanned in the same day; two days means it is not there',
    },
  },
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
  canAccess: ParcelAccess.canSee,
  itemIds: (parcel) => parcel.itemIds,
});
