import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn } from '../core/data/columns.js';

/**
 * A message to an owner and what became of it (issue 25): sent on the configured channel
 * (`sent`), only recorded (`recorded`: no channel configured, or no template), not sent because
 * the owner opted out (`skipped`) or cannot be reached (`undeliverable`), or still being tried
 * (`pending`, with `attempts` and `lastError`). `jobId` is unique: a job run twice sends once.
 * Support can read what was said; a reset code's body is not kept.
 */
@Entity('owner_notifications')
export class OwnerNotification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index({ unique: true }) @Column({ name: 'job_id', type: 'text' }) jobId: string;
  @Index() @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'text' }) channel: string;
  @Column({ type: 'text' }) template: string;
  @Column({ type: 'jsonb' }) params: Record<string, unknown>;
  @Column({ type: 'text', default: 'recorded' }) status: string;
  @Column({ type: 'text', nullable: true }) language: string | null;
  @Column({ type: 'text', nullable: true }) recipient: string | null;
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column({ type: 'text', nullable: true }) body: string | null;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @TimestampColumn('sent_at', { nullable: true }) sentAt: Date | null;
  @CreatedAt() createdAt: Date;
}
