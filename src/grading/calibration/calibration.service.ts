import { CalibrationTaskAccess } from '../access.js';
import { stateConflict } from '../../core/errors.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, seesEverything, SYSTEM_ACTOR } from '../../core/actor.js';
import { mapPage, type Page, paginate } from '../../core/http/pagination.js';
import { withActions } from '../../core/http/stateful-view.js';
import { Item } from '../../core/items/item.entity.js';
import { TransitionService } from '../../core/state-machine/transition.service.js';
import { GradingStandardsService } from '../../catalog/grading-standards.service.js';
import {
  type CalibrationPair,
  calibrationReport,
  shouldSampleForCalibration,
} from '../engine/calibration.js';
import { gradeAnswers } from '../../catalog/standards/grade-answers.js';
import { GradingSettingsService } from '../grading-settings.service.js';
import type { Inspection } from '../inspection/inspection.entity.js';
import { CalibrationTask } from './calibration-task.entity.js';
import { CalibrationTaskMachine } from './calibration-task.machine.js';
import type { CalibrationTaskQuery, CompleteCalibrationDto } from './calibration.dto.js';

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

/**
 * Calibration is blind (issue 18): while a re-grade is open, the report it re-grades is hidden
 * from the warehouse's graders — any of them may take the task — except its own first grader.
 * Admins and support still read it. One SQL predicate (`alias` is the inspections row) serves
 * both the single read and the queue, so the two cannot disagree.
 */
export function blindToCalibration(
  actor: Actor,
  alias: string,
): { sql: string; me: string } | null {
  if (seesEverything(actor) || actor.role !== 'warehouse') return null;
  return {
    sql: `NOT EXISTS (SELECT 1 FROM calibration_tasks ct WHERE ct.inspection_id = ${alias}.id
            AND ct.state = 'OPEN' AND ct.first_grader_id <> :blindMe)`,
    me: actor.userId ?? '00000000-0000-0000-0000-000000000000',
  };
}

@Injectable()
export class CalibrationService {
  constructor(
    private readonly dataSource: DataSource,
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
    const exists = await manager
      .getRepository(CalibrationTask)
      .exists({ where: { inspectionId: inspection.id } });
    if (exists) return null;
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
    const task = await (manager ?? this.dataSource.manager)
      .getRepository(CalibrationTask)
      .findOne({ where: { id } });
    return CalibrationTaskAccess.assertVisible(task, actor, id);
  }

  private async traceCodes(itemIds: string[]): Promise<Map<string, string>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(Item)
      .createQueryBuilder('i')
      .select(['i.id', 'i.traceCode'])
      .where('i.id IN (:...ids)', { ids: itemIds })
      .getMany();
    return new Map(rows.map((r) => [r.id, r.traceCode]));
  }

  async get(actor: Actor, id: string) {
    const task = await this.load(actor, id);
    const codes = await this.traceCodes([task.itemId]);
    return taskView(task, codes.get(task.itemId) ?? null, actor);
  }

  /** A warehouse grader's list leaves out the tasks for items they graded first. */
  async list(
    actor: Actor,
    query: CalibrationTaskQuery,
  ): Promise<Page<ReturnType<typeof taskView>>> {
    const qb = this.dataSource.getRepository(CalibrationTask).createQueryBuilder('t');
    CalibrationTaskAccess.restrict(qb, actor, 't');
    if (seesEverything(actor) && query.warehouseId)
      qb.andWhere('t.warehouse_id = :w', { w: query.warehouseId });
    // Blind re-grade: a grader's list leaves out the tasks for items they graded first.
    if (!seesEverything(actor)) qb.andWhere('t.first_grader_id <> :me', { me: actor.userId });
    if (query.state) qb.andWhere('t.state = :state', { state: query.state });
    const page = await paginate(qb, query, { order: 'ASC' });
    const codes = await this.traceCodes(page.items.map((r) => r.itemId));
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
    const codes = await this.traceCodes([task.itemId]);
    return taskView(task, codes.get(task.itemId) ?? null, actor);
  }

  /** Agreement (Cohen's kappa) overall, per grader and per category, over completed tasks. */
  async report(filter: { warehouseId?: string }) {
    const rows = await this.dataSource.query<
      Array<{
        first_grade: string;
        grade: string;
        first_grader_id: string;
        grader_id: string;
        category_code: string;
      }>
    >(
      `SELECT first_grade, grade, first_grader_id, grader_id, category_code
         FROM calibration_tasks
        WHERE state = 'COMPLETED' AND ($1::uuid IS NULL OR warehouse_id = $1)`,
      [filter.warehouseId ?? null],
    );
    const pairs = rows.map((r): CalibrationPair => ({
      gradeA: r.first_grade as CalibrationPair['gradeA'],
      gradeB: r.grade as CalibrationPair['gradeB'],
      graderA: r.first_grader_id,
      graderB: r.grader_id,
      categoryCode: r.category_code,
    }));
    const [{ open }] = await this.dataSource.query<Array<{ open: number }>>(
      `SELECT count(*)::int AS open FROM calibration_tasks
        WHERE state = 'OPEN' AND ($1::uuid IS NULL OR warehouse_id = $1)`,
      [filter.warehouseId ?? null],
    );
    return {
      rate: await this.settings.calibrationRate(),
      openTasks: open,
      ...calibrationReport(pairs),
    };
  }
}
