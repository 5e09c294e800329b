import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One entry of an item's append-only, hash-chained history. The database refuses UPDATE and
 * DELETE on this table (see the migration's trigger); `hash` covers every other column and the
 * previous entry's hash, so a change made behind the platform's back breaks the chain.
 */
@Entity('item_events')
@Index(['itemId', 'seq'], { unique: true })
export class ItemEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'item_id', type: 'uuid' }) itemId: string;
  @Column({ type: 'int' }) seq: number;
  @Column({ type: 'timestamptz' }) at: Date;
  /** `<Machine>.<action>`, e.g. `Pickup.collect`, or `<Machine>.created`. */
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'text' }) entity: string;
  @Column({ name: 'entity_id', type: 'uuid' }) entityId: string;
  @Column({ name: 'from_state', type: 'text', nullable: true }) fromState: string | null;
  @Column({ name: 'to_state', type: 'text', nullable: true }) toState: string | null;
  @Column({ name: 'actor_role', type: 'text' }) actorRole: string;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ name: 'custodian_kind', type: 'text', nullable: true }) custodianKind: string | null;
  @Column({ name: 'custodian_id', type: 'uuid', nullable: true }) custodianId: string | null;
  @Column({ type: 'text', nullable: true }) place: string | null;
  @Column({ type: 'jsonb' }) data: Record<string, unknown>;
  @Column({ name: 'prev_hash', type: 'text' }) prevHash: string;
  @Column({ type: 'text' }) hash: string;
}
