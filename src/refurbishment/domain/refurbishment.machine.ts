import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { days, defineMachine, ESCALATE } from '../../core/state-machine/machine.js';
import { RefurbishmentOrder } from '../data/refurbishment.entities.js';

export const REFURBISHMENT_STATES = [
  'OPEN',
  'ASSIGNED',
  'IN_REPAIR',
  'QC',
  'DONE',
  'UNREPAIRABLE',
] as const;
export type RefurbishmentState = (typeof REFURBISHMENT_STATES)[number];

/** Technicians see their partner's orders; warehouse staff their warehouse's; admin, support all. */
export const RefurbishmentOrderAccess = defineAccessPolicy<RefurbishmentOrder>({
  name: 'Refurbishment order',
  entity: RefurbishmentOrder,
  rules: {
    technician: [{ partnerId: 'organisationId' }],
    warehouse: [{ warehouseId: 'organisationId' }],
  },
});

/**
 * Spec §3: OPEN → ASSIGNED → IN_REPAIR → QC → DONE, or UNREPAIRABLE (repair does not pay, the
 * partner gives up, or QC fails). QC is one route (`/qc`): the re-inspection's grade decides
 * between `pass-qc` and `fail-qc`.
 */
export const RefurbishmentMachine = defineMachine<RefurbishmentState, RefurbishmentOrder>({
  name: 'RefurbishmentOrder',
  entity: RefurbishmentOrder,
  states: REFURBISHMENT_STATES,
  initial: ['OPEN'],
  terminal: ['DONE', 'UNREPAIRABLE'],
  timeouts: {
    OPEN: {
      afterMs: days(2),
      followUp: ESCALATE,
      why: 'an order without a partner after two days means no partner can take it',
    },
    ASSIGNED: {
      afterMs: days(5),
      followUp: ESCALATE,
      why: 'a partner starts a repair within a working week',
    },
    IN_REPAIR: {
      afterMs: days(14),
      followUp: ESCALATE,
      why: 'partners repair in days; two weeks means parts or the partner are stuck',
    },
    QC: {
      afterMs: days(3),
      followUp: ESCALATE,
      why: 'quality control is a short check in the warehouse',
    },
  },
  transitions: [
    { action: 'assign', from: ['OPEN'], to: 'ASSIGNED', roles: ['system', 'admin', 'warehouse'] },
    {
      action: 'reject-repair',
      from: ['OPEN'],
      to: 'UNREPAIRABLE',
      roles: ['system', 'admin', 'warehouse'],
    },
    { action: 'start-repair', from: ['ASSIGNED'], to: 'IN_REPAIR', roles: ['technician', 'admin'] },
    {
      action: 'finish-repair',
      from: ['IN_REPAIR'],
      to: 'QC',
      roles: ['technician', 'admin'],
      guard: ({ entity, input }) =>
        entity.diagnosis || (input as { diagnosis?: string } | undefined)?.diagnosis
          ? undefined
          : 'record a diagnosis first',
    },
    {
      action: 'declare-unrepairable',
      from: ['IN_REPAIR'],
      to: 'UNREPAIRABLE',
      roles: ['technician', 'admin'],
    },
    { action: 'pass-qc', from: ['QC'], to: 'DONE', roles: ['warehouse', 'admin'] },
    { action: 'fail-qc', from: ['QC'], to: 'UNREPAIRABLE', roles: ['warehouse', 'admin'] },
  ],
  canAccess: RefurbishmentOrderAccess.canSee,
  itemIds: (order) => [order.itemId],
});
