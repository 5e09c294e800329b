import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import { type Page, type PageQuery } from '../../core/http/pagination.js';
import {
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookSubscription,
} from '../webhooks/webhook.entities.js';
import { WebhookDeliveryAccess, WebhookSubscriptionAccess } from '../webhooks/webhook-access.js';

/** Outbound webhooks: subscriptions, their deliveries and each delivery's attempts. */
@Injectable()
export class WebhookRepository extends DataRepository {
  async organisationExists(id: string): Promise<boolean> {
    const found = await this.dataSource.query<unknown[]>(
      'SELECT 1 FROM organisations WHERE id = $1',
      [id],
    );
    return found.length > 0;
  }

  subscription(id: string): Promise<WebhookSubscription | null> {
    return this.dataSource.getRepository(WebhookSubscription).findOneBy({ id });
  }

  saveSubscription(s: Partial<WebhookSubscription>): Promise<WebhookSubscription> {
    const repo = this.dataSource.getRepository(WebhookSubscription);
    return repo.save(repo.create(s));
  }

  /** The subscriptions the actor may see, of one organisation when an admin asks. */
  subscriptions(
    actor: Actor,
    filter: { organisationId?: string },
    page: PageQuery,
  ): Promise<Page<WebhookSubscription>> {
    return this.visiblePage(WebhookSubscriptionAccess, 's', actor, page, {
      's.organisation_id': filter.organisationId,
    });
  }

  delivery(id: string): Promise<WebhookDelivery | null> {
    return this.dataSource.getRepository(WebhookDelivery).findOneBy({ id });
  }

  attempts(deliveryId: string): Promise<WebhookDeliveryAttempt[]> {
    return this.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .find({ where: { deliveryId }, order: { id: 'ASC' } });
  }

  /** The deliveries the actor may see, of one subscription or status when asked. */
  deliveries(
    actor: Actor,
    filter: { subscriptionId?: string; status?: string },
    page: PageQuery,
  ): Promise<Page<WebhookDelivery>> {
    return this.visiblePage(WebhookDeliveryAccess, 'd', actor, page, {
      'd.subscription_id': filter.subscriptionId,
      'd.status': filter.status,
    });
  }

  /** A new delivery (a replay of another), in the caller's transaction. */
  createDelivery(manager: EntityManager, d: Partial<WebhookDelivery>): Promise<WebhookDelivery> {
    const repo = manager.getRepository(WebhookDelivery);
    return repo.save(repo.create(d));
  }

  /**
   * One delivery per active subscription of the organisation (or of every organisation) that
   * takes this event type, once per event; the ids of the new ones.
   */
  async fanOut(
    manager: EntityManager,
    event: { eventId: string; type: string; organisationId: string | null },
    envelope: unknown,
  ): Promise<string[]> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload)
       SELECT s.id, $1, $2, $3::jsonb FROM webhook_subscriptions s
        WHERE s.active
          AND (s.organisation_id = $4 OR s.organisation_id IS NULL)
          AND (s.event_types @> ARRAY[$2]::text[] OR s.event_types @> ARRAY['*']::text[])
       ON CONFLICT (event_id, subscription_id) WHERE replay_of IS NULL DO NOTHING
       RETURNING id`,
      [event.eventId, event.type, JSON.stringify(envelope), event.organisationId],
    );
    return rows.map((r) => r.id);
  }

  /** Logs an attempt and its outcome on the delivery, in the caller's transaction. */
  async recordAttempt(
    manager: EntityManager,
    attempt: Omit<WebhookDeliveryAttempt, 'id'>,
    status: 'delivered' | 'failed' | 'pending',
  ): Promise<void> {
    await manager.getRepository(WebhookDeliveryAttempt).insert(attempt);
    await manager.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2,
         last_error = $3, status = $4, delivered_at = CASE WHEN $4 = 'delivered' THEN now() END,
         updated_at = now()
       WHERE id = $1`,
      [attempt.deliveryId, attempt.statusCode, attempt.error, status],
    );
  }

  /** Ends a pending delivery without sending it. */
  async finish(id: string, status: 'failed', code: number | null, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = $2, last_status_code = $3, last_error = $4,
         updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id, status, code, error],
    );
  }
}
