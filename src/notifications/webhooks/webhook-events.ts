import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { PublishWebhookEvent } from '../../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../../core/jobs/job-definition.js';
import { OutboxService } from '../../core/outbox/outbox.service.js';

export interface WebhookEventInput {
  /** Whose subscribers hear it; null: only platform-wide subscribers. */
  organisationId: string | null;
  /** `<resource>.<what happened>`, e.g. `support-case.opened`. */
  type: string;
  data: Record<string, unknown>;
}

/** Event types are dotted kebab-case words, e.g. `support-case.sla-breached`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

/**
 * How any stage announces a platform event to webhook subscribers: as an outbox job written in
 * the stage's own transaction, so an event is published exactly when its change commits.
 * Use `webhookEvent(...)` in a transition's `jobs`, or `WebhookEvents.publish(manager, ...)`.
 */
export function webhookEvent(event: WebhookEventInput): OutboxJob {
  if (!EVENT_TYPE_PATTERN.test(event.type)) throw new Error(`Bad webhook event type ${event.type}`);
  return job(PublishWebhookEvent, {
    eventId: randomUUID(),
    organisationId: event.organisationId,
    type: event.type,
    occurredAt: new Date().toISOString(),
    data: JSON.parse(JSON.stringify(event.data)) as Record<string, unknown>,
  });
}

const outbox = new OutboxService();

export const WebhookEvents = {
  /** Writes the event to the outbox inside the caller's transaction. */
  async publish(manager: EntityManager, ...events: WebhookEventInput[]): Promise<void> {
    await outbox.write(manager, events.map(webhookEvent));
  },
};
