import { Column, Entity } from 'typeorm';
import { TimestampColumn } from '../../core/data/columns.js';
import type { Grade } from '../../core/items/item.entity.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { GradeResult } from '../../catalog/standards/grade-engine.js';
import type { CalibrationTaskState } from '../domain/calibration-task.machine.js';

/** A blind re-grade of a completed inspection by another grader (agreement statistics). */
@Entity('calibration_tasks')
export class CalibrationTask extends StatefulEntity<CalibrationTaskState> {
  @Column({ name: 'inspection_id', type: 'uuid' }) inspectionId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'category_code', type: 'text' }) categoryCode: string;
  /** The standard version of the first report: both graders answer the same checklist. */
  @Column({ name: 'standard_id', type: 'uuid' }) standardId: string;
  @Column({ name: 'first_grader_id', type: 'uuid' }) firstGraderId: string;
  @Column({ name: 'first_grade', type: 'text' }) firstGrade: Grade;
  @Column({ name: 'grader_id', type: 'uuid', nullable: true }) graderId: string | null;
  @Column({ type: 'text', nullable: true }) grade: Grade | null;
  @Column({ type: 'jsonb', nullable: true }) answers: Record<string, unknown> | null;
  @Column({ type: 'jsonb', nullable: true }) report: GradeResult | null;
  @TimestampColumn('completed_at', { nullable: true }) completedAt: Date | null;
}
