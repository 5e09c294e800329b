import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { days, defineMachine, transitionRows } from '../../core/state-machine/machine.js';
import { SupportCase } from '../data/support-case.entity.js';

/** A case is its customer's; support staff and admins see every case. */
export const SupportCaseAccess = defineAccessPolicy<SupportCase>({
  name: 'Support case',
  entity: SupportCase,
  rules: { any: [{ customerId: 'userId' }] },
});

export const SUPPORT_CASE_STATES = ['OPEN', 'IN_PROGRESS', 'RESOLVED', 'CLOSED'] as const;
export type SupportCaseState = (typeof SUPPORT_CASE_STATES)[number];

const staff = ['support', 'admin', 'system'] as const;

const t = transitionRows<SupportCaseState, SupportCase>();

/**
 * SupportCase (spec §3): OPEN → IN_PROGRESS → RESOLVED → CLOSED. Assigning starts the work
 * (and reassigns while in progress). A resolved case may be reopened — by staff, or by the
 * customer who disagrees with the resolution — until it is closed; closed is final.
 */
export const SupportCaseMachine = defineMachine<SupportCaseState, SupportCase>({
  name: 'SupportCase',
  entity: SupportCase,
  states: SUPPORT_CASE_STATES,
  initial: ['OPEN'],
  terminal: ['CLOSED'],
  // OPEN and IN_PROGRESS are support's own queue, timed by each case's SLA (never escalated
  // into another case).
  timeouts: {
    RESOLVED: {
      afterMs: days(14),
      followUp: 'close',
      why: 'the customer has two weeks to reopen a resolved case; then it closes',
    },
  },
  transitions: [
    t('assign', ['OPEN', 'IN_PROGRESS'], 'IN_PROGRESS', [...staff]),
    t('resolve', ['OPEN', 'IN_PROGRESS'], 'RESOLVED', [...staff]),
    t('reopen', ['RESOLVED'], 'IN_PROGRESS', [...staff, 'customer']),
    t('close', ['RESOLVED'], 'CLOSED', [...staff, 'customer']),
  ],
  canAccess: SupportCaseAccess.canSee,
  itemIds: (c: SupportCase) => c.itemIds,
});
