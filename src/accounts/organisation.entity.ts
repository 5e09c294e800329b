import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn } from '../core/data/columns.js';

export const ORGANISATION_KINDS = ['warehouse', 'store', 'partner', 'merchant'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/**
 * A warehouse, drop-off store, partner (refurbisher and/or recycler) or merchant. Staff users
 * belong to one; what a partner can do and a merchant's settings live in `capabilities`.
 */
@Entity('organisations')
export class Organisation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) kind: OrganisationKind;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'city_code', type: 'text', nullable: true }) cityCode: string | null;
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) capabilities: Record<string, unknown>;
  /** Issue 17: may receive items whose media are not certified yet (the wipe is then theirs). */
  @Column({ name: 'certified_erasure_provider', type: 'boolean', default: false })
  certifiedErasureProvider: boolean;
  /** The provider's certification (e.g. ADISA / NAID AAA certificate number), as the admin saw it. */
  @Column({ name: 'erasure_certification', type: 'text', nullable: true })
  erasureCertification: string | null;
  @Column({ name: 'erasure_certified_by', type: 'uuid', nullable: true })
  erasureCertifiedBy: string | null;
  @TimestampColumn('erasure_certified_at', { nullable: true }) erasureCertifiedAt: Date | null;
  @CreatedAt() createdAt: Date;
}
