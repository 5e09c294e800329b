import { CalibrationTaskAccess } from './domain/access.js';
import { stateConflict } from '../core/errors.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CalibrationTaskRepository } from './data/calibration-task.repository.js';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { mapPage, type Page } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import {
  type CalibrationPair,
  calibrationReport,
  shouldSampleForCalibration,
} from './domain/calibration.js';
import { gradeAnswers } from '../catalog/standards/grade-answers.js';
import { GradingSettingsService } from './grading-settings.service.js';
import type { Inspection } from './data/inspection.entity.js';
import type { CalibrationTask } from './data/calibration-task.entity.js';
import { CalibrationTaskMachine } from './domain/calibration-task.machine.js';
import type { CalibrationTaskQuery, CompleteCalibrationDto } from './api/calibration.dto.js';

/** What a grader sees of a calibration task: never the first grade or who gave it (blind). */
function taskView(task: CalibrationTask, traceCode: string | null, actor: Actor) {
  return withActions(CalibrationTaskMachine, task, actor, {
    id: task.id,
    itemId: task.itemId,
    traceCode,
    warehouseId: task.warehouseId,
    categoryCode: task.categoryCode,
    standardId: task.standardId,
    graderId: task.graderId,
    grade: task.grade,
    reasons: task.report?.reasons ?? null,
    completedAt: task.completedAt,
    createdAt: task.createdAt,
  });
}

@Injectable()
export class CalibrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tasks: CalibrationTaskRepository,
    private readonly transitions: TransitionService,
    private readonly standards: GradingStandardsService,
    private readonly settings: GradingSettingsService,
  ) {}

  /**
   * Picks a just-completed inspection for a blind re-grade at the configured share (hash of the
   * inspection id: a replay picks the same ones). One task per inspection.
   */
  async maybeOpen(
    manager: EntityManager,
    inspection: Inspection,
    categoryCode: string,
  ): Promise<CalibrationTask | null> {
    const rate = await this.settings.calibrationRate();
    if (!shouldSampleForCalibration(inspection.id, rate)) return null;
    if (!inspection.graderId || !inspection.grade || !inspection.standardId) return null;
    if (await this.tasks.existsForInspection(manager, inspection.id)) return null;
    return this.transitions.create(CalibrationTaskMachine, {
      manager,
      actor: SYSTEM_ACTOR,
      values: {
        inspectionId: inspection.id,
        itemId: inspection.itemId,
        warehouseId: inspection.warehouseId,
        categoryCode,
        standardId: inspection.standardId,
        firstGraderId: inspection.graderId,
        firstGrade: inspection.grade,
      },
    });
  }

  private async load(actor: Actor, id: string, manager?: EntityManager): Promise<CalibrationTask> {
    const task = await this.tasks.findTask(id, manager);
    return CalibrationTaskAccess.assertVisible(task, actor, id);
  }

  async get(actor: Actor, id: string) {
    const task = await this.load(actor, id);
    const codes = await this.tasks.traceCodes([task.itemId]);
    return taskView(task, codes.get(task.itemId) ?? null, actor);
  }

  /** A warehouse grader's list leaves out the tasks for items they graded first. */
  async list(
    actor: Actor,
    query: CalibrationTaskQuery,
  ): Promise<Page<ReturnType<typeof taskView>>> {
    const page = await this.tasks.page(actor, query);
    const codes = await this.tasks.traceCodes(page.items.map((r) => r.itemId));
    return mapPage(page, (t) => taskView(t, codes.get(t.itemId) ?? null, actor));
  }

  async complete(actor: Actor, id: string, dto: CompleteCalibrationDto) {
    const task = await this.dataSource.transaction(async (manager) => {
      const current = await this.load(actor, id, manager);
      if (current.state !== 'OPEN') {
        throw stateConflict(
          CalibrationTaskMachine,
          current,
          actor,
          'This calibration task is done',
        );
      }
      if (current.firstGraderId === actor.userId) {
        throw stateConflict(
          CalibrationTaskMachine,
          current,
          actor,
          'Cannot complete: the first grader cannot re-grade their own item',
        );
      }
      const standard = await this.standards.get(current.standardId, manager);
      const result = gradeAnswers(standard.definition, dto.answers);
      return this.transitions.apply(CalibrationTaskMachine, {
        manager,
        id,
        action: 'complete',
        actor,
        expectedVersion: dto.version,
        patch: {
          graderId: actor.userId,
          grade: result.grade,
          answers: dto.answers,
          report: result,
          completedAt: new Date(),
        },
      });
    });
    const codes = await this.tasks.traceCodes([task.itemId]);
    return taskView(task, codes.get(task.itemId) ?? null, actor);
  }

  /** Agreement (Cohen's kappa) overall, per grader and per category, over completed tasks. */
  async report(filter: { warehouseId?: string }) {
    const rows = await this.tasks.completed(filter.warehouseId ?? null);
    const pairs = rows.map((r): CalibrationPair => ({
      gradeA: r.first_grade as CalibrationPair['gradeA'],
      gradeB: r.grade as CalibrationPair['gradeB'],
      graderA: r.first_grader_id,
      graderB: r.grader_id,
      categoryCode: r.category_code,
    }));
    const open = await this.tasks.countOpen(filter.warehouseId ?? null);
    return {
      rate: await this.settings.calibrationRate(),
      openTasks: open,
      ...calibrationReport(pairs),
    };
  }
}
