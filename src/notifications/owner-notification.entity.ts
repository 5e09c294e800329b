import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message to an owner (SMS / e-mail), as the default provider delivers it: a row, so nothing
 * is lost and support can see what was said. `jobId` is unique: a job run twice sends once.
 */
@Entity('owner_notifications')
export class OwnerNotification {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index({ unique: true }) @Column({ name: 'job_id', type: 'text' }) jobId: string;
  @Index() @Column({ name: 'user_id', type: 'uuid' }) userId: string;
  @Column({ type: 'text' }) channel: string;
  @Column({ type: 'text' }) template: string;
  @Column({ type: 'jsonb' }) params: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
}
