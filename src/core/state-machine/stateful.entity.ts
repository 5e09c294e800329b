import { Column, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn, UpdatedAt } from '../data/columns.js';

/**
 * Columns every state-machine entity has. `version` is not a TypeORM @VersionColumn on purpose:
 * it is only ever raised by TransitionService's guarded UPDATE (typeorm issue 2848).
 */
export abstract class StatefulEntity<S extends string = string> {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) state: S;
  @Column({ type: 'int', default: 1 }) version: number;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
  /** When the row entered its current state (set by TransitionService; the sweeper reads it). */
  @TimestampColumn('state_entered_at') stateEnteredAt: Date;
}
