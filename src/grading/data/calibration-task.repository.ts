import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../../core/actor.js';
import { type Page } from '../../core/http/pagination.js';
import { Item } from '../../core/items/item.entity.js';
import { CalibrationTaskAccess } from '../domain/access.js';
import type { CalibrationTaskQuery } from '../api/calibration.dto.js';
import { CalibrationTask } from './calibration-task.entity.js';
import { WarehouseWorkRepository } from './warehouse-list.js';

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

/** A completed blind re-grade as the agreement report reads it. */
export interface CompletedCalibrationRow {
  first_grade: string;
  grade: string;
  first_grader_id: string;
  grader_id: string;
  category_code: string;
}

/** Calibration tasks: blind re-grades of completed inspections. */
@Injectable()
export class CalibrationTaskRepository extends WarehouseWorkRepository {
  /** Whether the inspection has its task already (one per inspection). */
  existsForInspection(manager: EntityManager, inspectionId: string): Promise<boolean> {
    return manager.getRepository(CalibrationTask).exists({ where: { inspectionId } });
  }

  readonly findTask = this.findByIdOf(CalibrationTask);

  /** The items' trace codes, by item id. */
  async traceCodes(itemIds: string[]): Promise<Map<string, string>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(Item)
      .createQueryBuilder('i')
      .select(['i.id', 'i.traceCode'])
      .where('i.id IN (:...ids)', { ids: itemIds })
      .getMany();
    return new Map(rows.map((r) => [r.id, r.traceCode]));
  }

  /** One page of the tasks the actor may see; a grader's leaves out the items they graded first. */
  page(actor: Actor, query: CalibrationTaskQuery): Promise<Page<CalibrationTask>> {
    // Blind re-grade: a grader's list leaves out the tasks for items they graded first.
    return this.warehouseQueue(
      CalibrationTaskAccess,
      't',
      actor,
      query,
      { 't.state': query.state },
      (qb) => {
        if (!seesEverything(actor)) qb.andWhere('t.first_grader_id <> :me', { me: actor.userId });
      },
    );
  }

  /** The completed tasks' grade pairs, of one warehouse or all. */
  completed(warehouseId: string | null): Promise<CompletedCalibrationRow[]> {
    return this.dataSource.query<CompletedCalibrationRow[]>(
      `SELECT first_grade, grade, first_grader_id, grader_id, category_code
         FROM calibration_tasks
        WHERE state = 'COMPLETED' AND ($1::uuid IS NULL OR warehouse_id = $1)`,
      [warehouseId],
    );
  }

  /** How many tasks are open, in one warehouse or all. */
  async countOpen(warehouseId: string | null): Promise<number> {
    const [{ open }] = await this.dataSource.query<Array<{ open: number }>>(
      `SELECT count(*)::int AS open FROM calibration_tasks
        WHERE state = 'OPEN' AND ($1::uuid IS NULL OR warehouse_id = $1)`,
      [warehouseId],
    );
    return open;
  }
}
