import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
import { ParcelAccess } from './access.js';
import { Parcel } from '../data/parcel.entity.js';

export const PARCEL_STATES = ['EXPECTED', 'RECEIVED', 'RECEIVED_WITH_EXCEPTIONS'] as const;
export type ParcelState = (typeof PARCEL_STATES)[number];

const t = transitionRows<ParcelState, Parcel>();

/** Receiving closes a parcel once: clean, or with exceptions recorded for support. */
export const ParcelMachine = defineMachine<ParcelState, Parcel>({
  name: 'Parcel',
  entity: Parcel,
  states: PARCEL_STATES,
  initial: ['EXPECTED'],
  terminal: ['RECEIVED', 'RECEIVED_WITH_EXCEPTIONS'],
  timeouts: {
    EXPECTED: escalateAfter(
      days(2),
      'a delivered parcel is scanned in the same day; two days means it is not there',
    ),
  },
  transitions: [
    t('receive', ['EXPECTED'], 'RECEIVED', ['warehouse', 'admin', 'system']),
    t('receive-with-exceptions', ['EXPECTED'], 'RECEIVED_WITH_EXCEPTIONS', [
      'warehouse',
      'admin',
      'system',
    ]),
  ],
  canAccess: ParcelAccess.canSee,
  itemIds: (parcel) => parcel.itemIds,
});
