import { Column, Entity, PrimaryColumn } from 'typeorm';
import { TimestampColumn } from '../../core/data/columns.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { RecyclingLotState } from '../domain/recycling-lot.machine.js';

/** The recycler's signed acknowledgement at hand-over. */
export interface Handoff {
  signedByName: string;
  /** sha256 over the lot, its count and weight, the name and the signature as given. */
  signatureHash: string;
  recordedBy: string | null;
  recordedByRole: string;
  at: string;
}

/** Scrap of one warehouse gathered for one recycler: sealed, handed over, settled. */
@Entity('recycling_lots')
export class RecyclingLot extends StatefulEntity<RecyclingLotState> {
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ name: 'recycler_id', type: 'uuid' }) recyclerId: string;
  @Column({ name: 'item_count', type: 'int', nullable: true }) itemCount: number | null;
  @Column({ name: 'estimated_weight_grams', type: 'int', nullable: true })
  estimatedWeightGrams: number | null;
  @Column({ name: 'declared_weight_grams', type: 'int', nullable: true })
  declaredWeightGrams: number | null;
  @Column({ name: 'seal_number', type: 'text', nullable: true }) sealNumber: string | null;
  @TimestampColumn('sealed_at', { nullable: true }) sealedAt: Date | null;
  @Column({ name: 'sealed_by', type: 'uuid', nullable: true }) sealedBy: string | null;
  @Column({ type: 'jsonb', nullable: true }) handoff: Handoff | null;
  @TimestampColumn('handed_over_at', { nullable: true }) handedOverAt: Date | null;
  @Column({ name: 'reported_weight_grams', type: 'int', nullable: true })
  reportedWeightGrams: number | null;
  @Column({ name: 'reported_value_minor', type: 'int', nullable: true })
  reportedValueMinor: number | null;
  @Column({ name: 'expected_value_minor', type: 'int', nullable: true })
  expectedValueMinor: number | null;
  @Column({ type: 'text' }) currency: string;
  @Column({ name: 'certificate_kind', type: 'text', nullable: true })
  certificateKind: 'recycling' | 'destruction' | null;
  @Column({ name: 'certificate_ref', type: 'text', nullable: true }) certificateRef: string | null;
  @Column({ name: 'weight_discrepancy_share', type: 'double precision', nullable: true })
  weightDiscrepancyShare: number | null;
  @Column({ name: 'discrepancy_flagged', type: 'boolean' }) discrepancyFlagged: boolean;
  @TimestampColumn('settled_at', { nullable: true }) settledAt: Date | null;
  @Column({ name: 'settled_by', type: 'uuid', nullable: true }) settledBy: string | null;
}

@Entity('recycling_lot_items')
export class RecyclingLotItem {
  @PrimaryColumn({ name: 'lot_id', type: 'uuid' }) lotId: string;
  @PrimaryColumn({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'weight_grams', type: 'int' }) weightGrams: number;
  @Column({ name: 'scrap_value_minor', type: 'int' }) scrapValueMinor: number;
  @Column({ type: 'text' }) reason: string;
  @TimestampColumn('added_at') addedAt: Date;
}
