import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type ValueTransformer,
} from 'typeorm';
import { StatefulEntity } from '../core/state-machine/stateful.entity.js';
import type {
  ErasurePlan,
  ErasureRunRecord,
  MediaType,
  PolicyId,
  PolicyViolation,
  SanitizationCertificate,
  StationResult,
} from './engine/index.js';

/** bigint columns come back from pg as strings; capacities fit a double exactly. */
const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

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
  @Column({ name: 'capacity_bytes', type: 'bigint', transformer: bigintNumber })
  capacityBytes: number;
  /** 'catalog': the leaf's default medium; 'registered': entered by warehouse staff. */
  @Column({ type: 'text' }) source: 'catalog' | 'registered';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
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
  };

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
  @Column({ type: 'text' }) station: 'simulated' | 'external';
  @Column({ type: 'int' }) attempt: number;
  @Column({ name: 'max_attempts', type: 'int' }) maxAttempts: number;
  @Column({ type: 'jsonb', nullable: true }) plan: ErasurePlan | null;
  @Column({ type: 'jsonb', default: () => "'[]'" }) runs: StoredRun[];
  @Column({ type: 'jsonb', default: () => "'[]'" }) violations: PolicyViolation[];
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason: string | null;
  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3, nullable: true })
  nextAttemptAt: Date | null;
  /** A worker running the station holds the wipe until then; a duplicate job backs off. */
  @Column({ name: 'lease_until', type: 'timestamptz', precision: 3, nullable: true })
  leaseUntil: Date | null;
  @Column({ type: 'jsonb', nullable: true })
  destruction: { technique: 'shred' | 'disintegrate'; reason: string } | null;
  /** Sampling batch: the organisation's wipes of one day (Beijing time). */
  @Column({ name: 'batch_id', type: 'text' }) batchId: string;
  @Column({ type: 'boolean', default: false }) sampled: boolean;
  @Column({ name: 'reverifier_id', type: 'uuid', nullable: true }) reverifierId: string | null;
  @Column({ name: 'reverified_by', type: 'uuid', nullable: true }) reverifiedBy: string | null;
  @Column({ name: 'reverification_outcome', type: 'text', nullable: true })
  reverificationOutcome: 'passed' | 'failed' | null;
  @Column({ name: 'reverified_at', type: 'timestamptz', precision: 3, nullable: true })
  reverifiedAt: Date | null;
  @Column({ name: 'reverification_notes', type: 'text', nullable: true })
  reverificationNotes: string | null;
  @Column({ name: 'completed_at', type: 'timestamptz', precision: 3, nullable: true })
  completedAt: Date | null;
}

/** Public half of a certificate signing key, kept so old certificates stay verifiable. */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn({ name: 'key_id', type: 'text' }) keyId: string;
  @Column({ type: 'text' }) algorithm: 'Ed25519';
  @Column({ name: 'public_key_pem', type: 'text' }) publicKeyPem: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
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
  @Column({ name: 'issued_at', type: 'timestamptz', precision: 3 }) issuedAt: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;
  @Column({ name: 'revocation_reason', type: 'text', nullable: true })
  revocationReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}
