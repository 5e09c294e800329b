import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn } from '../core/data/columns.js';
import type { UserRole } from '../core/actor.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Stored lower-cased; unique. Optional for customers who signed up with a phone number. */
  @Index({ unique: true }) @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ name: 'password_hash', type: 'text' }) passwordHash: string;
  @Column({ type: 'text' }) role: UserRole;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ type: 'text' }) name: string;
  /** E.164 (normalised at the door, so support can search by any spelling of it). */
  @Index() @Column({ type: 'text', nullable: true }) phone: string | null;
  /** The mobile a customer signs in with (E.164, unique; set at sign-up by phone). */
  @Column({ name: 'login_phone', type: 'text', nullable: true }) loginPhone: string | null;
  /** When the customer proved they hold `phone` with a sign-up code (null: not verified). */
  @TimestampColumn('phone_verified_at', { nullable: true }) phoneVerifiedAt: Date | null;
  @Column({ type: 'boolean', default: false }) disabled: boolean;
  /** Raised on disable and password change or reset: older access tokens stop working. */
  @Column({ name: 'token_version', type: 'int', default: 0 }) tokenVersion: number;
  /** A warehouse lead: decides what graders may not (e.g. a car's payout held for its mileage). */
  @Column({ type: 'boolean', default: false }) lead: boolean;
  @CreatedAt() createdAt: Date;
}
