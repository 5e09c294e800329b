import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../core/data/columns.js';

export const RECEIVING_EXCEPTION_KINDS = [
  'seal-mismatch',
  'broken-seal',
  'missing-item',
  'unexpected-item',
] as const;
export type ReceivingExceptionKind = (typeof RECEIVING_EXCEPTION_KINDS)[number];

/** A problem found at receiving; support works it through the support case it opens. */
@Entity('receiving_exceptions')
export class ReceivingException {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'parcel_id', type: 'uuid' }) parcelId: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  @Column({ type: 'text' }) kind: ReceivingExceptionKind;
  @Column({ name: 'item_id', type: 'uuid', nullable: true }) itemId: string | null;
  /** The scanned code (unexpected item) or the seal read. */
  @Column({ type: 'text', nullable: true }) code: string | null;
  @Column({ type: 'text' }) detail: string;
  @Column({ name: 'reported_by', type: 'uuid', nullable: true }) reportedBy: string | null;
  @CreatedAt() createdAt: Date;
}
