import {
  days,
  defineMachine,
  escalateAfter,
  transitionRows,
} from '../../core/state-machine/machine.js';
import { CalibrationTaskAccess } from './access.js';
import { CalibrationTask } from '../data/calibration-task.entity.js';

export const CALIBRATION_TASK_STATES = ['OPEN', 'COMPLETED'] as const;
export type CalibrationTaskState = (typeof CALIBRATION_TASK_STATES)[number];

const t = transitionRows<CalibrationTaskState, CalibrationTask>();

export const CalibrationTaskMachine = defineMachine<CalibrationTaskState, CalibrationTask>({
  name: 'CalibrationTask',
  entity: CalibrationTask,
  states: CALIBRATION_TASK_STATES,
  initial: ['OPEN'],
  terminal: ['COMPLETED'],
  timeouts: {
    OPEN: escalateAfter(
      days(7),
      'a calibration sample is only useful while the grader’s week is fresh',
    ),
  },
  transitions: [
    t('complete', ['OPEN'], 'COMPLETED', ['warehouse'], ({ entity, actor }) =>
      entity.firstGraderId === actor.userId
        ? 'the first grader cannot re-grade their own item'
        : undefined,
    ),
  ],
  canAccess: CalibrationTaskAccess.canSee,
  // Calibration grades are internal quality data, not part of the item's public history.
  itemIds: () => [],
});
