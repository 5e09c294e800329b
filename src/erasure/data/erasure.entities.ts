import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { BigintColumn, CreatedAt, TimestampColumn, UpdatedAt } from '../../core/data/columns.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type {
  ErasurePlan,
  ErasureRunRecord,
  MediaType,
  PolicyId,
  PolicyViolation,
  SanitizationCertificate,
  StationResult,
} from '../domain/index.js';

export type StorageInterface = 'nvme' | 'sata' | 'ufs' | 'mmc' | 'usb';

/** One storage medium of an item (a laptop with two drives has two). */
@Entity('storage_media')
export class StorageMedium {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ type: 'int' }) position: number;
  @Column({ name: 'media_type', type: 'text' }) mediaType: MediaType;
  @Column({ type: 'text', nullable: true }) interface: StorageInterface | null;
  /** null until staff register it or a station reads it from the device. */
  @Column({ type: 'text', nullable: true }) serial: string | null;
  @Column({ type: 'text', nullable: true }) manufacturer: string | null;
  @Column({ type: 'text', nullable: true }) model: string | null;
  @BigintColumn('capacity_bytes') capacityBytes: number;
  /** 'catalog': the leaf's default medium; 'registered': entered by warehouse staff. */
  @Column({ type: 'text' }) source: 'catalog' | 'registered';
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

export type ErasureState =
  | 'QUEUED'
  | 'RUNNING'
  | 'VERIFYING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'AWAITING_DESTRUCTION'
  | 'DESTROYED';

/** A run record as kept on the erasure: the station result, or an imported report's record. */
export type StoredRun = ErasureRunRecord &
  Partial<Pick<StationResult, 'durationMs' | 'eraseDurationMs' | 'verificationDurationMs'>> & {
    attempt: number;
    failedPhase?: StationResult['failedPhase'];
    importedBy?: string;
    /** The registered station whose key signed the report or the run. */
    signedBy?: string;
    /** The block device the station wiped, as the kernel described it. */
    device?: { path: string; serial: string; model?: string; sizeBytes: number };
  };

/** What a station reports while it wipes. */
export interface StationProgress {
  attempt: number;
  phase: 'starting' | 'erasing' | 'blanking' | 'verifying' | 'sampling';
  /** 0..100 for the whole run, as far as the station can tell. */
  percent: number;
  pass?: number;
  passes?: number;
  message?: string;
  at: string;
}

/** A registered wiping station: its public key; the private key never leaves the station. */
@Entity('stations')
export class Station {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'organisation_id', type: 'uuid' }) organisationId: string;
  @Column({ name: 'public_key_pem', type: 'text' }) publicKeyPem: string;
  @Column({ name: 'key_id', type: 'text' }) keyId: string;
  @Column({ name: 'registered_by', type: 'uuid', nullable: true }) registeredBy: string | null;
  @TimestampColumn('revoked_at', { nullable: true }) revokedAt: Date | null;
  @Column({ name: 'revoked_by', type: 'uuid', nullable: true }) revokedBy: string | null;
  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason: string | null;
  @TimestampColumn('last_seen_at', { nullable: true }) lastSeenAt: Date | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/** One wipe of one medium, with its tries (spec §3: QUEUED → RUNNING → VERIFYING → ...). */
@Entity('erasures')
export class Erasure extends StatefulEntity<ErasureState> {
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'medium_id', type: 'uuid' }) mediumId: string;
  @Column({ type: 'text' }) place: 'warehouse' | 'on-site';
  /** The warehouse (or the courier's organisation on site) doing the wipe. */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ name: 'owner_id', type: 'uuid', nullable: true }) ownerId: string | null;
  @Column({ name: 'requested_by', type: 'uuid', nullable: true }) requestedBy: string | null;
  /** Who ran the wipe: a user id, or `station:<name>` for an unattended station. */
  @Column({ name: 'operator_id', type: 'text' }) operatorId: string;
  @Column({ name: 'operator_name', type: 'text' }) operatorName: string;
  @Column({ type: 'text' }) policy: PolicyId;
  /** 'station': a registered station runs it (stationId, device); 'external': a report is imported. */
  @Column({ type: 'text' }) station: 'simulated' | 'external' | 'station';
  @Column({ name: 'station_id', type: 'uuid', nullable: true }) stationId: string | null;
  /** The block device on the station that holds the medium, e.g. /dev/sdb. */
  @Column({ type: 'text', nullable: true }) device: string | null;
  /** Last progress the station reported for the current try (for the console). */
  @Column({ type: 'jsonb', nullable: true }) progress: StationProgress | null;
  @Column({ type: 'int' }) attempt: number;
  @Column({ name: 'max_attempts', type: 'int' }) maxAttempts: number;
  @Column({ type: 'jsonb', nullable: true }) plan: ErasurePlan | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) runs: StoredRun[];
  @Column({ type: 'jsonb', default: () => "'[]'" }) violations: PolicyViolation[];
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason: string | null;
  @TimestampColumn('next_attempt_at', { nullable: true }) nextAttemptAt: Date | null;
  /** A worker running the station holds the wipe until then; a duplicate job backs off. */
  @TimestampColumn('lease_until', { nullable: true }) leaseUntil: Date | null;
  @Column({ type: 'jsonb', nullable: true })
  destruction: { technique: 'shred' | 'disintegrate'; reason: string } | null;
  /** Sampling batch: the organisation's wipes of one day (Beijing time). */
  @Column({ name: 'batch_id', type: 'text' }) batchId: string;
  @Column({ type: 'boolean', default: false }) sampled: boolean;
  @Column({ name: 'reverifier_id', type: 'uuid', nullable: true }) reverifierId: string | null;
  @Column({ name: 'reverified_by', type: 'uuid', nullable: true }) reverifiedBy: string | null;
  @Column({ name: 'reverification_outcome', type: 'text', nullable: true })
  reverificationOutcome: 'passed' | 'failed' | null;
  @TimestampColumn('reverified_at', { nullable: true }) reverifiedAt: Date | null;
  @Column({ name: 'reverification_notes', type: 'text', nullable: true })
  reverificationNotes: string | null;
  @TimestampColumn('completed_at', { nullable: true }) completedAt: Date | null;
}

/** Public half of a certificate signing key, kept so old certificates stay verifiable. */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn({ name: 'key_id', type: 'text' }) keyId: string;
  @Column({ type: 'text' }) algorithm: 'Ed25519';
  @Column({ name: 'public_key_pem', type: 'text' }) publicKeyPem: string;
  @CreatedAt() createdAt: Date;
}

/** A signed certificate of sanitization (erasure) or of destruction; one per wipe. */
@Entity('certificates')
export class Certificate {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The certificate id printed on it (e.g. SC-XXXXXXXX-XXXXXXXX). */
  @Column({ type: 'text' }) number: string;
  @Column({ type: 'text' }) kind: 'erasure' | 'destruction';
  @Column({ name: 'erasure_id', type: 'uuid' }) erasureId: string;
  @Column({ name: 'medium_id', type: 'uuid' }) mediumId: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ name: 'owner_id', type: 'uuid', nullable: true }) ownerId: string | null;
  @Column({ type: 'jsonb' }) document: SanitizationCertificate;
  @Column({ type: 'text' }) signature: string;
  @Column({ name: 'key_id', type: 'text' }) keyId: string;
  @TimestampColumn('issued_at') issuedAt: Date;
  @TimestampColumn('revoked_at', { nullable: true }) revokedAt: Date | null;
  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason: string | null;
  /** The W3C Verifiable Credential (issue 24); null for certificates issued before it. */
  @Column({ type: 'jsonb', nullable: true }) credential: Record<string, unknown> | null;
  @Column({ name: 'status_list', type: 'text', nullable: true }) statusList: string | null;
  @Column({ name: 'status_index', type: 'int', nullable: true }) statusIndex: number | null;
  @CreatedAt() createdAt: Date;
}
