import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
import { InspectionAccess } from './access.js';
import { Inspection } from '../data/inspection.entity.js';

export const INSPECTION_STATES = [
  'PENDING',
  'IN_PROGRESS',
  'COMPLETED',
  'AWAITING_SECOND_GRADER',
  'SUPERSEDED',
] as const;
export type InspectionState = (typeof INSPECTION_STATES)[number];

const t = transitionRows<InspectionState, Inspection>();

/**
 * Spec §3: PENDING → IN_PROGRESS → COMPLETED; a re-inspection supersedes the report. The
 * fairness guard parks a completed report until a different grader of the warehouse confirms.
 */
export const InspectionMachine = defineMachine<InspectionState, Inspection>({
  name: 'Inspection',
  entity: Inspection,
  states: INSPECTION_STATES,
  initial: ['PENDING'],
  terminal: ['COMPLETED', 'SUPERSEDED'],
  timeouts: {
    PENDING: escalateAfter(days(2), 'received items are inspected within a working day or two'),
    IN_PROGRESS: escalateAfter(
      days(1),
      'an inspection takes minutes; a claim held for a day is a grader who left',
    ),
    AWAITING_SECOND_GRADER: escalateAfter(days(2), 'the owner’s offer waits for the second grader'),
  },
  transitions: [
    t('claim', ['PENDING'], 'IN_PROGRESS', ['warehouse'], ({ entity, actor }) =>
      entity.excludedGraderId !== null && entity.excludedGraderId === actor.userId
        ? 'a second grader must re-grade this item, not the first one'
        : undefined,
    ),
    t('release', ['IN_PROGRESS'], 'PENDING', ['warehouse', 'admin'], ({ entity, actor }) =>
      actor.role !== 'admin' && entity.graderId !== actor.userId
        ? 'only the grader who claimed it may release it'
        : undefined,
    ),
    t('complete', ['IN_PROGRESS'], 'COMPLETED', ['warehouse'], ({ entity, actor }) =>
      entity.graderId !== actor.userId ? 'another grader is working on it' : undefined,
    ),
    t('request-second-grading', ['COMPLETED'], 'AWAITING_SECOND_GRADER', ['system', 'admin']),
    t('confirm', ['AWAITING_SECOND_GRADER'], 'COMPLETED', ['warehouse'], ({ entity, actor }) =>
      entity.graderId === actor.userId
        ? 'a different grader of the warehouse must confirm the grade'
        : undefined,
    ),
    t('supersede', ['COMPLETED', 'AWAITING_SECOND_GRADER'], 'SUPERSEDED', [
      'warehouse',
      'admin',
      'system',
    ]),
  ],
  canAccess: InspectionAccess.canSee,
  itemIds: (inspection) => [inspection.itemId],
});
