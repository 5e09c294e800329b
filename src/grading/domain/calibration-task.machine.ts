import { days, defineMachine, ESCALATE } from '../../core/state-machine/machine.js';
import { CalibrationTaskAccess } from './access.js';
import { CalibrationTask } from '../data/calibration-task.entity.js';

export const CALIBRATION_TASK_STATES = ['OPEN', 'COMPLETED'] as const;
export type CalibrationTaskState = (typeof CALIBRATION_TASK_STATES)[number];

export const CalibrationTaskMachine = defineMachine<CalibrationTaskState, CalibrationTask>({
  name: 'CalibrationTask',
  entity: CalibrationTask,
  states: CALIBRATION_TASK_STATES,
  initial: ['OPEN'],
  terminal: ['COMPLETED'],
  timeouts: {
    OPEN: {
      afterMs: days(7),
      followUp: ESCALATE,
      why: 'a calibration sample is only useful while the grader’s week is fresh',
    },
  },
  transitions: [
    {
      action: 'complete',
      from: ['OPEN'],
      to: 'COMPLETED',
      roles: ['warehouse'],
      guard: ({ entity, actor }) =>
        entity.firstGraderId === actor.userId
          ? 'the first grader cannot re-grade their own item'
          : undefined,
    },
  ],
  canAccess: CalibrationTaskAccess.canSee,
  // Calibration grades are internal quality data, not part of the item's public history.
  itemIds: () => [],
});
