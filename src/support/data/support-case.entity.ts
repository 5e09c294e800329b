import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn } from '../../core/data/columns.js';
import { StatefulEntity } from '../../core/state-machine/stateful.entity.js';
import type { CaseKind } from '../domain/sla.js';
import type { SupportCaseState } from '../domain/support-case.machine.js';

/** A customer-service case (spec §3 SupportCase), linked to an order and items. */
@Entity('support_cases')
export class SupportCase extends StatefulEntity<SupportCaseState> {
  @Column({ type: 'text' }) kind: CaseKind;
  /** 'platform': opened by a stage through OpenSupportCase; 'manual': by a person. */
  @Column({ type: 'text' }) origin: 'platform' | 'manual';
  @Column({ name: 'dedupe_key', type: 'text', nullable: true }) dedupeKey: string | null;
  @Column({ type: 'text' }) summary: string;
  @Column({ name: 'order_kind', type: 'text', nullable: true }) orderKind: string | null;
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId: string | null;
  @Column({ name: 'item_ids', type: 'uuid', array: true, default: () => "'{}'" })
  itemIds: string[];
  /** The owner or buyer concerned: they may follow the case (without internal notes). */
  @Column({ name: 'customer_id', type: 'uuid', nullable: true }) customerId: string | null;
  /** The organisation concerned (warehouse, partner, merchant): its webhooks hear of the case. */
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true }) assigneeId: string | null;
  @Column({ name: 'opened_by', type: 'uuid', nullable: true }) openedBy: string | null;
  @Column({ type: 'jsonb', default: () => "'{}'" }) detail: Record<string, unknown>;
  @TimestampColumn('sla_due_at') slaDueAt: Date;
  @TimestampColumn('sla_breached_at', { nullable: true }) slaBreachedAt: Date | null;
  @TimestampColumn('resolved_at', { nullable: true }) resolvedAt: Date | null;
  @Column({ type: 'text', nullable: true }) resolution: string | null;
}

@Entity('support_case_notes')
export class SupportCaseNote {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'case_id', type: 'uuid' }) caseId: string;
  @Column({ name: 'author_id', type: 'uuid', nullable: true }) authorId: string | null;
  @Column({ name: 'author_role', type: 'text' }) authorRole: string;
  /** Internal notes are for staff only and never shown to the customer. */
  @Column({ type: 'boolean' }) internal: boolean;
  @Column({ type: 'text' }) body: string;
  @CreatedAt() createdAt: Date;
}
