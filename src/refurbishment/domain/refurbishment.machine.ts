import { defineAccessPolicy } from '../../core/access/access-policy.js';
import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
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

const t = transitionRows<RefurbishmentState, RefurbishmentOrder>();

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
    OPEN: escalateAfter(
      days(2),
      'an order without a partner after two days means no partner can take it',
    ),
    ASSIGNED: escalateAfter(days(5), 'a partner starts a repair within a working week'),
    IN_REPAIR: escalateAfter(
      days(14),
      'partners repair in days; two weeks means parts or the partner are stuck',
    ),
    QC: escalateAfter(days(3), 'quality control is a short check in the warehouse'),
  },
  transitions: [
    t('assign', ['OPEN'], 'ASSIGNED', ['system', 'admin', 'warehouse']),
    t('reject-repair', ['OPEN'], 'UNREPAIRABLE', ['system', 'admin', 'warehouse']),
    t('start-repair', ['ASSIGNED'], 'IN_REPAIR', ['technician', 'admin']),
    t('finish-repair', ['IN_REPAIR'], 'QC', ['technician', 'admin'], ({ entity, input }) =>
      entity.diagnosis || (input as { diagnosis?: string } | undefined)?.diagnosis
        ? undefined
        : 'record a diagnosis first',
    ),
    t('declare-unrepairable', ['IN_REPAIR'], 'UNREPAIRABLE', ['technician', 'admin']),
    t('pass-qc', ['QC'], 'DONE', ['warehouse', 'admin']),
    t('fail-qc', ['QC'], 'UNREPAIRABLE', ['warehouse', 'admin']),
  ],
  canAccess: RefurbishmentOrderAccess.canSee,
  itemIds: (order) => [order.itemId],
});
