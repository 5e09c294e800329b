import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Columns every state-machine entity has. `version` is not a TypeORM @VersionColumn on purpose:
 * it is only ever raised by TransitionService's guarded UPDATE (typeorm issue 2848).
 */
export abstract class StatefulEntity<S extends string = string> {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) state: S;
  @Column({ type: 'int', default: 1 }) version: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
  /** When the row entered its current state (set by TransitionService; the sweeper reads it). */
  @Column({ name: 'state_entered_at', type: 'timestamptz', precision: 3 }) stateEnteredAt: Date;
}
