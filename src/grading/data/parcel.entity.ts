import { Column, Entity } from 'typeorm';
import { TimestampColumn } from '../../core/data/columns.js';
import type { SourceRef } from '../../core/jobs/job-catalogue.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { ParcelState } from '../domain/parcel.machine.js';

/** A parcel a courier handed to a warehouse: what receiving expects (seal and items). */
@Entity('parcels')
export class Parcel extends StatefulEntity<ParcelState> {
  @Column({ name: 'pickup_id', type: 'uuid' }) pickupId: string;
  @Column({ name: 'warehouse_id', type: 'uuid' }) warehouseId: string;
  /** Seal number recorded at collection (luxury goods); null for a parcel without one. */
  @Column({ name: 'seal_number', type: 'text', nullable: true }) sealNumber: string | null;
  @Column({ name: 'item_ids', type: 'uuid', array: true }) itemIds: string[];
  @Column({ type: 'jsonb' }) source: SourceRef;
  @TimestampColumn('delivered_at') deliveredAt: Date;
  /** The seal number the warehouse read (scan or typed). */
  @Column({ name: 'seal_read', type: 'text', nullable: true }) sealRead: string | null;
  @Column({ name: 'seal_intact', type: 'boolean', nullable: true }) sealIntact: boolean | null;
  @Column({ name: 'scanned_item_ids', type: 'uuid', array: true }) scannedItemIds: string[];
  /** Scanned codes that are not items of this parcel. */
  @Column({ name: 'unexpected_codes', type: 'text', array: true }) unexpectedCodes: string[];
  @Column({ name: 'received_by', type: 'uuid', nullable: true }) receivedBy: string | null;
  @TimestampColumn('received_at', { nullable: true }) receivedAt: Date | null;
}
