import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../core/data/columns.js';
import type { GradingStandard } from '../standards/standard.js';

/**
 * One published version of a grading standard family. Rows are never updated: a new version is
 * a new row, so a report graded under (code, version, fingerprint) can always be reproduced.
 */
@Entity('grading_standards')
export class GradingStandardRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'int' }) version: number;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'jsonb' }) definition: GradingStandard;
  /** sha256 of the canonical definition (standardFingerprint). */
  @Column({ type: 'text' }) fingerprint: string;
  @Column({ name: 'published_by', type: 'uuid', nullable: true }) publishedBy: string | null;
  @CreatedAt() createdAt: Date;
}
