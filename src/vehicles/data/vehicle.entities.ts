import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn, UpdatedAt } from '../../core/data/columns.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type {
  MileageAssessment,
  MileageEvidence,
  MileageSource,
  Trust,
  VehicleUse,
} from '../domain/mileage.js';

/** A car's identity and registration, one row per VIN across every time it passes through. */
@Entity('vehicles')
export class Vehicle {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) vin: string;
  @Column({ type: 'text' }) wmi: string;
  @Column({ type: 'text', nullable: true }) region: string | null;
  @Column({ type: 'text', nullable: true }) country: string | null;
  @Column({ name: 'check_digit', type: 'text' }) checkDigit: 'valid' | 'not-applicable';
  @Column({ name: 'model_year', type: 'int', nullable: true }) modelYear: number | null;
  @Column({ name: 'model_year_resolved_by', type: 'text', nullable: true })
  modelYearResolvedBy: string | null;
  @Column({ type: 'text', nullable: true }) plate: string | null;
  @Column({ type: 'text', nullable: true }) province: string | null;
  @Column({ name: 'registration_city_code', type: 'text', nullable: true })
  registrationCityCode: string | null;
  @Column({ name: 'registration_city_name', type: 'text', nullable: true })
  registrationCityName: string | null;
  /** `YYYY-MM-DD` */
  @Column({ name: 'first_registered_on', type: 'date', nullable: true })
  firstRegisteredOn: string | null;
  @Column({ type: 'text' }) use: VehicleUse;
  @Column({ name: 'mileage_status', type: 'text' }) mileageStatus: MileageAssessment['status'];
  @Column({ name: 'mileage_evidence', type: 'jsonb' }) mileageEvidence: MileageEvidence[];
  @Column({ name: 'credible_km', type: 'int', nullable: true }) credibleKm: number | null;
  @Column({ name: 'latest_km', type: 'int', nullable: true }) latestKm: number | null;
  @Column({ name: 'yearly_km', type: 'int', nullable: true }) yearlyKm: number | null;
  @TimestampColumn('flagged_at', { nullable: true }) flaggedAt: Date | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/** One odometer reading, with where it came from and how far that source is trusted. */
@Entity('vehicle_mileage_readings')
export class MileageReadingRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) vin: string;
  @Column({ type: 'int' }) km: number;
  /** `YYYY-MM-DD` */
  @Column({ name: 'read_on', type: 'date' }) readOn: string;
  @Column({ type: 'text' }) source: MileageSource;
  @Column({ type: 'text' }) trust: Trust;
  @Column({ name: 'source_ref', type: 'text', nullable: true }) sourceRef: string | null;
  /** One row per source record: an import or a sync run twice adds nothing. */
  @Column({ name: 'dedupe_key', type: 'text' }) dedupeKey: string;
  @Column({ name: 'item_id', type: 'uuid', nullable: true }) itemId: string | null;
  @Column({ name: 'recorded_by', type: 'uuid', nullable: true }) recordedBy: string | null;
  @CreatedAt() createdAt: Date;
}

/** The owner's recorded consent to fetch the car's dealer service records (required first). */
@Entity('vehicle_record_consents')
export class RecordConsent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) vin: string;
  @Column({ name: 'owner_id', type: 'uuid' }) ownerId: string;
  @Column({ type: 'text' }) scope: 'dealer-maintenance-records';
  /** The words the owner agreed to, kept as shown. */
  @Column({ type: 'text' }) statement: string;
  @TimestampColumn('granted_at') grantedAt: Date;
  @TimestampColumn('revoked_at', { nullable: true }) revokedAt: Date | null;
  @CreatedAt() createdAt: Date;
}

export const PAPERWORK_KINDS = ['ownership-transfer', 'registration', 'insurance'] as const;
export type PaperworkKind = (typeof PAPERWORK_KINDS)[number];
export const PAPERWORK_STATES = ['OPEN', 'DONE', 'BLOCKED'] as const;
export type PaperworkState = (typeof PAPERWORK_STATES)[number];

/** One piece of a car sale's paperwork (过户, 上牌, 保险): a car is not sold until it is done. */
@Entity('vehicle_paperwork_tasks')
export class PaperworkTask extends StatefulEntity<PaperworkState> {
  @Column({ name: 'sale_order_id', type: 'uuid' }) saleOrderId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ type: 'text', nullable: true }) vin: string | null;
  @Column({ type: 'text' }) kind: PaperworkKind;
  @Column({ name: 'merchant_organisation_id', type: 'uuid', nullable: true })
  merchantOrganisationId: string | null;
  @Column({ name: 'buyer_id', type: 'uuid', nullable: true }) buyerId: string | null;
  /** E.g. the new registration certificate or the policy number. */
  @Column({ type: 'text', nullable: true }) reference: string | null;
  @Column({ name: 'blocked_reason', type: 'text', nullable: true }) blockedReason: string | null;
  @TimestampColumn('done_at', { nullable: true }) doneAt: Date | null;
  @Column({ name: 'done_by', type: 'uuid', nullable: true }) doneBy: string | null;
  /** Ownership transfer: the registration authority's document number (e.g. 机动车登记证书 no.). */
  @Column({ name: 'document_number', type: 'text', nullable: true })
  documentNumber: string | null;
  /** Ownership transfer: where the scan of the document is kept. */
  @Column({ name: 'scan_reference', type: 'text', nullable: true }) scanReference: string | null;
  /** The platform warehouse that last held the car: its staff record the transfer. */
  @Column({ name: 'warehouse_id', type: 'uuid', nullable: true }) warehouseId: string | null;
}
