import { Column, Entity } from 'typeorm';
import { TimestampColumn } from '../../core/data/columns.js';
import type { ShipmentAddress, SourceRef } from '../../core/jobs/job-catalogue.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { FailureReason } from '../domain/attempts.js';

export const PICKUP_STATES = [
  'SCHEDULED',
  'ASSIGNED',
  'EN_ROUTE',
  'COLLECTED',
  'DELIVERED',
  'FAILED',
  'CANCELLED',
] as const;
export type PickupState = (typeof PICKUP_STATES)[number];

/**
 * Where the parcel goes: owner → warehouse, warehouse → owner, buyer → warehouse, or a store's
 * sealed consolidation of over-the-counter drop-offs → warehouse.
 */
export type PickupDirection =
  'inbound' | 'return-to-owner' | 'buyer-return' | 'store-consolidation';

export interface PickupFailure {
  attempt: number;
  reason: FailureReason;
  note: string | null;
  courierId: string | null;
  at: string;
}

/** One shipment leg a courier runs (spec §3 Pickup). */
@Entity('pickups')
export class Pickup extends StatefulEntity<PickupState> {
  @Column({ type: 'text' }) direction: PickupDirection;
  @Column({ name: 'source_kind', type: 'text' }) sourceKind: SourceRef['kind'];
  @Column({ name: 'source_id', type: 'uuid' }) sourceId: string;
  /** 1, or the rebooking after an earlier pickup of the same source failed for good. */
  @Column({ type: 'int', default: 1 }) round: number;
  /** The customer who hands the items over or gets them back; null for a store consolidation. */
  @Column({ name: 'customer_id', type: 'uuid', nullable: true }) customerId: string | null;
  @Column({ name: 'item_ids', type: 'uuid', array: true }) itemIds: string[];
  @Column({ type: 'jsonb' }) address: ShipmentAddress;
  @Column({ name: 'area_code', type: 'text' }) areaCode: string;
  @Column({ name: 'district_code', type: 'text' }) districtCode: string;
  @Column({ name: 'time_zone', type: 'text' }) timeZone: string;
  @Column({ name: 'warehouse_id', type: 'uuid', nullable: true }) warehouseId: string | null;
  /** The store organisation a consolidation leaves from. */
  @Column({ name: 'store_id', type: 'uuid', nullable: true }) storeId: string | null;
  @TimestampColumn('requested_at') requestedAt: Date;
  @Column({ name: 'special_packaging', type: 'boolean' }) specialPackaging: boolean;
  /** 'inspection-at-address': a car, checked where it stands and driven in (no bag, no seal). */
  @Column({ type: 'text', default: 'parcel' }) mode: 'parcel' | 'inspection-at-address';
  /** Local date in the area's time zone, `YYYY-MM-DD`. */
  @Column({ name: 'promised_date', type: 'date' }) promisedDate: string;
  @Column({ name: 'window_index', type: 'int' }) windowIndex: number;
  @TimestampColumn('window_start') windowStart: Date;
  @TimestampColumn('window_end') windowEnd: Date;
  @Column({ name: 'same_day', type: 'boolean' }) sameDay: boolean;
  /** The attempt under way (1–3); a failure reschedules as the next attempt. */
  @Column({ type: 'int', default: 1 }) attempt: number;
  @Column({ type: 'jsonb', default: () => "'[]'" }) failures: PickupFailure[];
  /** The attempt whose window ended uncollected (the SLA timer fired once for it). */
  @Column({ name: 'late_attempt', type: 'int', nullable: true }) lateAttempt: number | null;
  @Column({ name: 'courier_id', type: 'uuid', nullable: true }) courierId: string | null;
  /** Couriers who handed this pickup back: the dispatch run does not give it to them again. */
  @Column({ name: 'handed_back_by', type: 'uuid', array: true, default: () => "'{}'" })
  handedBackBy: string[];
  @Column({ name: 'seal_number', type: 'text', nullable: true }) sealNumber: string | null;
  @Column({ name: 'photo_refs', type: 'jsonb', default: () => "'[]'" }) photoRefs: string[];
  @TimestampColumn('collected_at', { nullable: true }) collectedAt: Date | null;
  @TimestampColumn('delivered_at', { nullable: true }) deliveredAt: Date | null;
  @Column({ name: 'cancel_reason', type: 'text', nullable: true }) cancelReason: string | null;
}
