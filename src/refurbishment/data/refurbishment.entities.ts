import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn } from '../../core/data/columns.js';
import type { Grade } from '../../core/items/item.entity.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { GradeResult } from '../../catalog/standards/grade-engine.js';
import type {
  RepairCostEstimate,
  RepairDecision,
  RepairFinding,
} from '../domain/repair-economics.js';
import type { RefurbishmentState } from '../domain/refurbishment.machine.js';

export interface RepairEconomics {
  estimate: RepairCostEstimate;
  decision: RepairDecision;
  valuation: { basis: string; modelVersion: string; paramsVersion: string };
}

/** One repair of one item by a partner, from the decision that it pays to the warehouse's QC. */
@Entity('refurbishment_orders')
export class RefurbishmentOrder extends StatefulEntity<RefurbishmentState> {
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'partner_id', type: 'uuid', nullable: true }) partnerId: string | null;
  @Column({ name: 'inspection_id', type: 'uuid', nullable: true }) inspectionId: string | null;
  @Column({ name: 'opened_by', type: 'uuid', nullable: true }) openedBy: string | null;
  @Column({ name: 'category_family', type: 'text' }) categoryFamily: string;
  @Column({ name: 'standard_id', type: 'uuid', nullable: true }) standardId: string | null;
  @Column({ name: 'standard_code', type: 'text', nullable: true }) standardCode: string | null;
  @Column({ name: 'standard_version', type: 'int', nullable: true }) standardVersion: number | null;
  @Column({ type: 'jsonb' }) findings: RepairFinding[];
  @Column({ type: 'text' }) currency: string;
  @Column({ name: 'expected_resale_minor', type: 'int' }) expectedResaleMinor: number;
  @Column({ name: 'estimated_repair_cost_minor', type: 'int' }) estimatedRepairCostMinor: number;
  @Column({ name: 'scrap_value_minor', type: 'int' }) scrapValueMinor: number;
  @Column({ name: 'worth_repairing', type: 'boolean' }) worthRepairing: boolean;
  @Column({ type: 'jsonb' }) economics: RepairEconomics;
  @TimestampColumn('assigned_at', { nullable: true }) assignedAt: Date | null;
  @Column({ name: 'technician_id', type: 'uuid', nullable: true }) technicianId: string | null;
  @TimestampColumn('repair_started_at', { nullable: true }) repairStartedAt: Date | null;
  @Column({ type: 'text', nullable: true }) diagnosis: string | null;
  @Column({ name: 'labour_minutes', type: 'int', nullable: true }) labourMinutes: number | null;
  @Column({ name: 'labour_cost_minor', type: 'int', nullable: true })
  labourCostMinor: number | null;
  @Column({ name: 'parts_cost_minor', type: 'int', nullable: true }) partsCostMinor: number | null;
  @Column({ name: 'repair_cost_minor', type: 'int', nullable: true })
  repairCostMinor: number | null;
  @TimestampColumn('repair_finished_at', { nullable: true }) repairFinishedAt: Date | null;
  @Column({ name: 'qc_by', type: 'uuid', nullable: true }) qcBy: string | null;
  @TimestampColumn('qc_at', { nullable: true }) qcAt: Date | null;
  @Column({ name: 'qc_answers', type: 'jsonb', nullable: true })
  qcAnswers: Record<string, unknown> | null;
  @Column({ name: 'qc_report', type: 'jsonb', nullable: true }) qcReport: GradeResult | null;
  @Column({ name: 'qc_grade', type: 'text', nullable: true }) qcGrade: Grade | null;
  @Column({ name: 'qc_passed', type: 'boolean', nullable: true }) qcPassed: boolean | null;
  @Column({ name: 'outcome_reason', type: 'text', nullable: true }) outcomeReason: string | null;
  @TimestampColumn('closed_at', { nullable: true }) closedAt: Date | null;
}

/** A part fitted (serial in) and the one it replaced (serial out), so components are traceable. */
@Entity('refurbishment_parts')
export class RefurbishmentPart {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'part_name', type: 'text' }) partName: string;
  @Column({ name: 'part_number', type: 'text', nullable: true }) partNumber: string | null;
  @Column({ name: 'serial_in', type: 'text', nullable: true }) serialIn: string | null;
  @Column({ name: 'serial_out', type: 'text', nullable: true }) serialOut: string | null;
  @Column({ name: 'cost_minor', type: 'int' }) costMinor: number;
  @Column({ name: 'recorded_by', type: 'uuid', nullable: true }) recordedBy: string | null;
  @CreatedAt() createdAt: Date;
}
