import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A follow-up job written in the same transaction as the change that caused it. The relay
 * publishes it to BullMQ under its own id; the worker marks it completed; the reconciler
 * re-publishes one whose job Redis lost. It is the database's record of every job that must run.
 */
@Entity('outbox')
export class OutboxEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) queue: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'jsonb' }) payload: unknown;
  @Column({ name: 'run_at', type: 'timestamptz' }) runAt: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'published_at', type: 'timestamptz', nullable: true }) publishedAt: Date | null;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt: Date | null;
  @Column({ name: 'failed_at', type: 'timestamptz', nullable: true }) failedAt: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'republished', type: 'int', default: 0 }) republished: number;
}
