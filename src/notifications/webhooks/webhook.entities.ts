import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, TimestampColumn, UpdatedAt } from '../../core/data/columns.js';

/** A partner's or merchant's receiver for some event types (organisation null: platform-wide). */
@Entity('webhook_subscriptions')
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true }) organisationId: string | null;
  @Column({ type: 'text' }) url: string;
  /** Event types, or '*' for all. */
  @Column({ name: 'event_types', type: 'text', array: true }) eventTypes: string[];
  @Column({ type: 'text' }) secret: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event for one subscriber; every POST made for it is a WebhookDeliveryAttempt. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'subscription_id', type: 'uuid' }) subscriptionId: string;
  @Column({ name: 'event_id', type: 'uuid' }) eventId: string;
  @Column({ name: 'event_type', type: 'text' }) eventType: string;
  /** The envelope sent as the body: { id, type, createdAt, organisationId, data }. */
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Column({ type: 'text', default: 'pending' }) status: DeliveryStatus;
  @Column({ type: 'int', default: 0 }) attempts: number;
  @Column({ name: 'last_status_code', type: 'int', nullable: true }) lastStatusCode: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @TimestampColumn('delivered_at', { nullable: true }) deliveredAt: Date | null;
  @Column({ name: 'replay_of', type: 'uuid', nullable: true }) replayOf: string | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id: string;
  @Column({ name: 'delivery_id', type: 'uuid' }) deliveryId: string;
  @Column({ type: 'int' }) attempt: number;
  @TimestampColumn('started_at') startedAt: Date;
  @Column({ name: 'duration_ms', type: 'int' }) durationMs: number;
  @Column({ name: 'status_code', type: 'int', nullable: true }) statusCode: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'response_excerpt', type: 'text', nullable: true }) responseExcerpt:
    string | null;
}

/** A payment or courier partner that sends us webhooks, with the secret it signs them with. */
@Entity('inbound_webhook_providers')
export class InboundWebhookProvider {
  @PrimaryColumn({ type: 'text' }) provider: string;
  @Column({ type: 'text' }) secret: string;
  @Column({ type: 'boolean', default: true }) active: boolean;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/** A partner event as received; (provider, eventId) is unique, so a resend is applied once. */
@Entity('inbound_webhooks')
export class InboundWebhook {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) provider: string;
  @Column({ name: 'event_id', type: 'text' }) eventId: string;
  @Column({ type: 'text' }) type: string;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Column({ name: 'handled_by', type: 'int', default: 0 }) handledBy: number;
  @CreatedAt('received_at') receivedAt: Date;
}
