import { Column, Entity } from 'typeorm';
import { TimestampColumn } from '../../core/data/columns.js';
import type { SourceRef } from '../../core/jobs/job-catalogue.js';
import type { Grade } from '../../core/items/item.entity.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { GradeResult } from '../../catalog/standards/grade-engine.js';
import type { InspectionState } from '../domain/inspection.machine.js';

export interface SecondGrading {
  quotedMinor: number;
  finalMinor: number;
  requestedAt: string;
  confirmedAt?: string;
}

/**
 * One inspection of one item. A finished report is never edited: a re-inspection is a new row
 * that `supersedes` it, and the old row moves to SUPERSEDED with its report intact.
 */
@Entity('inspections')
export class Inspection extends StatefulEntity<InspectionState> {
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'supersedes_id', type: 'uuid', nullable: true }) supersedesId: string | null;
  /** Where the item came from (the parcel's source): decides who hears about the grade. */
  @Column({ name: 'source', type: 'jsonb', nullable: true }) source: SourceRef | null;
  /** Why a re-inspection was opened. */
  @Column({ type: 'text', nullable: true }) reason: string | null;
  /** A grader who may not take this one (the first grader, when a second grader must re-grade). */
  @Column({ name: 'excluded_grader_id', type: 'uuid', nullable: true })
  excludedGraderId: string | null;
  @Column({ name: 'standard_id', type: 'uuid', nullable: true }) standardId: string | null;
  @Column({ name: 'standard_code', type: 'text', nullable: true }) standardCode: string | null;
  @Column({ name: 'standard_version', type: 'int', nullable: true }) standardVersion: number | null;
  @Column({ name: 'standard_fingerprint', type: 'text', nullable: true })
  standardFingerprint: string | null;
  @Column({ name: 'grader_id', type: 'uuid', nullable: true }) graderId: string | null;
  @TimestampColumn('claimed_at', { nullable: true }) claimedAt: Date | null;
  @TimestampColumn('completed_at', { nullable: true }) completedAt: Date | null;
  @Column({ type: 'jsonb', nullable: true }) answers: Record<string, unknown> | null;
  @Column({ type: 'jsonb' }) photos: string[];
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Column({ type: 'text', nullable: true }) grade: Grade | null;
  @Column({ type: 'boolean', nullable: true }) hold: boolean | null;
  @Column({ type: 'jsonb', nullable: true }) report: GradeResult | null;
  @Column({ name: 'second_grading', type: 'jsonb', nullable: true })
  secondGrading: SecondGrading | null;
  @Column({ name: 'second_grader_id', type: 'uuid', nullable: true }) secondGraderId: string | null;
  @Column({ name: 'confirmed_by_second_grader', type: 'boolean' })
  confirmedBySecondGrader: boolean;
}
