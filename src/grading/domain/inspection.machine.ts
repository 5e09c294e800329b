import { days, defineMachine, ESCALATE } from '../../core/state-machine/machine.js';
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
    PENDING: {
      afterMs: days(2),
      followUp: ESCALATE,
      why: 'received items are inspected within a working day or two',
    },
    IN_PROGRESS: {
      afterMs: days(1),
      followUp: ESCALATE,
      why: 'an inspection takes minutes; a claim held for a day is a grader who left',
    },
    AWAITING_SECOND_GRADER: {
      afterMs: days(2),
      followUp: ESCALATE,
      why: 'the owner’s offer waits for the second grader',
    },
  },
  transitions: [
    {
      action: 'claim',
      from: ['PENDING'],
      to: 'IN_PROGRESS',
      roles: ['warehouse'],
      guard: ({ entity, actor }) =>
        entity.excludedGraderId !== null && entity.excludedGraderId === actor.userId
          ? 'a second grader must re-grade this item, not the first one'
          : undefined,
    },
    {
      action: 'release',
      from: ['IN_PROGRESS'],
      to: 'PENDING',
      roles: ['warehouse', 'admin'],
      guard: ({ entity, actor }) =>
        actor.role !== 'admin' && entity.graderId !== actor.userId
          ? 'only the grader who claimed it may release it'
          : undefined,
    },
    {
      action: 'complete',
      from: ['IN_PROGRESS'],
      to: 'COMPLETED',
      roles: ['warehouse'],
      guard: ({ entity, actor }) =>
        entity.graderId !== actor.userId ? 'another grader is working on it' : undefined,
    },
    {
      action: 'request-second-grading',
      from: ['COMPLETED'],
      to: 'AWAITING_SECOND_GRADER',
      roles: ['system', 'admin'],
    },
    {
      action: 'confirm',
      from: ['AWAITING_SECOND_GRADER'],
      to: 'COMPLETED',
      roles: ['warehouse'],
      guard: ({ entity, actor }) =>
        entity.graderId === actor.userId
          ? 'a different grader of the warehouse must confirm the grade'
          : undefined,
    },
    {
      action: 'supersede',
      from: ['COMPLETED', 'AWAITING_SECOND_GRADER'],
      to: 'SUPERSEDED',
      roles: ['warehouse', 'admin', 'system'],
    },
  ],
  canAccess: InspectionAccess.canSee,
  itemIds: (inspection) => [inspection.itemId],
});
