import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
import { PAPERWORK_STATES, PaperworkTask, type PaperworkState } from '../data/vehicle.entities.js';

const staff = ['merchant', 'admin', 'system'] as const;
/** The platform's own staff: the ownership transfer is theirs to record, not the merchant's. */
const platform = ['admin', 'warehouse', 'system'] as const;

const isTransfer = (t: PaperworkTask) => t.kind === 'ownership-transfer';

/**
 * The merchant that sold the car and its buyer; staff of the warehouse that last held the car
 * record its ownership transfer, and see only that task.
 */
export const PaperworkTaskAccess = defineAccessPolicy<PaperworkTask>({
  name: 'Paperwork task',
  entity: PaperworkTask,
  rules: {
    merchant: [{ merchantOrganisationId: 'organisationId' }],
    customer: [{ buyerId: 'userId' }],
    warehouse: [{ kind: { is: 'ownership-transfer' }, warehouseId: 'organisationId' }],
  },
});

const t = transitionRows<PaperworkState, PaperworkTask>();

/**
 * A paperwork task of a car sale: OPEN → DONE, or BLOCKED (a document missing, the registry
 * closed, the buyer's city refuses the emission standard) and back to OPEN. DONE is final.
 * The selling merchant does registration and insurance; the ownership transfer is recorded by
 * the platform's staff (admin, warehouse) with the registration authority's document number
 * and a scan reference (`record-transfer`). Support reads.
 */
export const PaperworkTaskMachine = defineMachine({
  name: 'VehiclePaperworkTask',
  entity: PaperworkTask,
  states: PAPERWORK_STATES,
  initial: ['OPEN'],
  terminal: ['DONE'],
  timeouts: {
    OPEN: escalateAfter(
      days(30),
      'registration authorities transfer ownership within weeks; a month means it is stuck',
    ),
    BLOCKED: escalateAfter(days(14), 'a blocked transfer keeps a sold car from its buyer'),
  },
  transitions: [
    t('complete', ['OPEN', 'BLOCKED'], 'DONE', [...staff], ({ entity }) =>
      isTransfer(entity)
        ? 'the ownership transfer is recorded by platform staff with record-transfer'
        : undefined,
    ),
    t('record-transfer', ['OPEN', 'BLOCKED'], 'DONE', [...platform], ({ entity }) =>
      isTransfer(entity) ? undefined : 'only an ownership-transfer task is recorded this way',
    ),
    t('block', ['OPEN'], 'BLOCKED', [...staff, 'warehouse']),
    t('unblock', ['BLOCKED'], 'OPEN', [...staff, 'warehouse']),
  ],
  canAccess: PaperworkTaskAccess.canSee,
  itemIds: (t: PaperworkTask) => [t.itemId],
});
