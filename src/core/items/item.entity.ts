import { Column, Entity, Index } from 'typeorm';
import { StatefulEntity } from '../state-machine/stateful.entity.js';
import type { ItemState } from './item.machine.js';

export type Grade = 'premium' | 'good' | 'scrap';
export const GRADES: readonly Grade[] = ['premium', 'good', 'scrap'];
/** Who physically holds the item now (spec §3: its custodian). */
export type CustodianKind =
  'owner' | 'courier' | 'store' | 'warehouse' | 'partner' | 'merchant' | 'buyer' | 'recycler';
/** The erasure gate: an item whose category stores data may not be sold until `certified`. */
export type ErasureStatus = 'not_required' | 'pending' | 'certified' | 'destroyed';

/** Item states in which an item no longer holds its VIN (the partial unique index items_one_live_per_vin). */
export const VIN_TERMINAL_ITEM_STATES = [
  'SOLD',
  'RECYCLED',
  'DESTROYED',
  'RETURNED_TO_OWNER',
  'CANCELLED',
] as const;

/** A physical good moving through the journey; its history lives in item_events. */
@Entity('items')
export class Item extends StatefulEntity<ItemState> {
  @Index({ unique: true }) @Column({ name: 'trace_code', type: 'text' }) traceCode: string;
  @Column({ name: 'category_id', type: 'uuid', nullable: true }) categoryId: string | null;
  @Column({ name: 'product_model_id', type: 'uuid', nullable: true }) productModelId: string | null;
  @Column({ name: 'serial_number', type: 'text', nullable: true }) serialNumber: string | null;
  @Column({ type: 'text', nullable: true }) imei: string | null;
  @Column({ type: 'text', nullable: true }) vin: string | null;
  @Column({ name: 'declared_condition', type: 'jsonb', default: () => "'{}'" })
  declaredCondition: Record<string, unknown>;
  @Column({ name: 'owner_id', type: 'uuid', nullable: true }) ownerId: string | null;
  @Column({ name: 'custodian_kind', type: 'text' }) custodianKind: CustodianKind;
  /** The user (owner, courier, buyer) or organisation holding the item. */
  @Column({ name: 'custodian_id', type: 'uuid', nullable: true }) custodianId: string | null;
  @Column({ type: 'text', nullable: true }) grade: Grade | null;
  @Column({ name: 'erasure_status', type: 'text' }) erasureStatus: ErasureStatus;
  @Column({ name: 'history_seq', type: 'int', default: 0 }) historySeq: number;
  @Column({ name: 'history_hash', type: 'text', default: '' }) historyHash: string;
}
