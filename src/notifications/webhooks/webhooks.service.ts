import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { Actor } from '../../core/actor.js';
import { defineAccessPolicy } from '../../core/access/access-policy.js';
import { NotFound } from '../../core/errors.js';
import { mapPage, paginate } from '../../core/http/pagination.js';
import { DeliverWebhook, PublishWebhookEvent } from '../../core/jobs/job-catalogue.js';
import { job, type JobContext } from '../../core/jobs/job-definition.js';
import { OutboxService } from '../../core/outbox/outbox.service.js';
import { assertSafeWebhookUrl, UnsafeWebhookUrl } from './address-guard.js';
import { postWebhook } from './sender.js';
import { newWebhookSecret, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import {
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookSubscription,
} from './webhook.entities.js';
import type {
  CreateSubscriptionDto,
  DeliveryListQuery,
  SubscriptionListQuery,
  UpdateSubscriptionDto,
} from './webhooks.dto.js';

type PublishPayload = NonNullable<(typeof PublishWebhookEvent)['payload']>;

export function subscriptionView(s: WebhookSubscription) {
  return {
    id: s.id,
    organisationId: s.organisationId,
    url: s.url,
    eventTypes: s.eventTypes,
    description: s.description,
    active: s.active,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export function deliveryView(d: WebhookDelivery) {
  return {
    id: d.id,
    subscriptionId: d.subscriptionId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    deliveredAt: d.deliveredAt,
    replayOf: d.replayOf,
    createdAt: d.createdAt,
  };
}

/**
 * Outbound webhooks: subscriptions per organisation and event type, the fan-out of published
 * events into deliveries, the signed POST with its log, and manual replay.
 */
/** A subscription is its organisation's to manage; only admins see every one (not support). */
export const WebhookSubscriptionAccess = defineAccessPolicy<WebhookSubscription>({
  name: 'Subscription',
  entity: WebhookSubscription,
  seeAll: (actor) => actor.role === 'admin',
  rules: { any: [{ organisationId: 'organisationId' }] },
});

/** A delivery is seen by whoever sees its subscription (admins all, as for subscriptions). */
export const WebhookDeliveryAccess = defineAccessPolicy<WebhookDelivery>({
  name: 'Delivery',
  entity: WebhookDelivery,
  seeAll: (actor) => actor.role === 'admin',
  rules: { any: [{ follows: { policy: WebhookSubscriptionAccess, by: 'subscriptionId' } }] },
});

@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- subscriptions ------------------------------------------------------------------------

  /** Admin manages any; an organisation's staff manage their organisation's own. */

  private async checkedUrl(url: string): Promise<string> {
    try {
      return (
        await assertSafeWebhookUrl(url, { allowPrivate: this.config.webhooks.allowPrivate })
      ).toString();
    } catch (err) {
      if (err instanceof UnsafeWebhookUrl) {
        throw new BadRequestException({
          message: `Invalid input: url (${err.message})`,
          fields: [{ field: 'url', errors: [err.message] }],
        });
      }
      throw err;
    }
  }

  async createSubscription(actor: Actor, dto: CreateSubscriptionDto) {
    let organisationId: string | null;
    if (actor.role === 'admin') {
      organisationId = dto.organisationId ?? null;
      if (organisationId) {
        const found = await this.dataSource.query<unknown[]>(
          'SELECT 1 FROM organisations WHERE id = $1',
          [organisationId],
        );
        if (found.length === 0) throw new NotFound('Organisation', organisationId);
      }
    } else {
      if (!actor.organisationId) throw new NotFound('Organisation');
      if (dto.organisationId && dto.organisationId !== actor.organisationId) {
        throw new NotFound('Organisation', dto.organisationId);
      }
      organisationId = actor.organisationId;
    }
    const url = await this.checkedUrl(dto.url);
    const repo = this.dataSource.getRepository(WebhookSubscription);
    const saved = await repo.save(
      repo.create({
        organisationId,
        url,
        eventTypes: [...new Set(dto.eventTypes)],
        secret: newWebhookSecret(),
        description: dto.description ?? null,
        active: true,
        createdBy: actor.userId,
      }),
    );
    // The secret is shown once, at creation (and on rotation).
    return { ...subscriptionView(saved), secret: saved.secret };
  }

  async getSubscription(actor: Actor, id: string): Promise<WebhookSubscription> {
    const s = await this.dataSource.getRepository(WebhookSubscription).findOneBy({ id });
    return WebhookSubscriptionAccess.assertVisible(s, actor, id);
  }

  async listSubscriptions(actor: Actor, q: SubscriptionListQuery) {
    const qb = this.dataSource.getRepository(WebhookSubscription).createQueryBuilder('s');
    WebhookSubscriptionAccess.restrict(qb, actor, 's');
    if (actor.role === 'admin' && q.organisationId) {
      qb.andWhere('s.organisation_id = :org', { org: q.organisationId });
    }
    return mapPage(await paginate(qb, q), subscriptionView);
  }

  async updateSubscription(actor: Actor, id: string, dto: UpdateSubscriptionDto) {
    const s = await this.getSubscription(actor, id);
    if (dto.url !== undefined) s.url = await this.checkedUrl(dto.url);
    if (dto.eventTypes) s.eventTypes = [...new Set(dto.eventTypes)];
    if (dto.active !== undefined) s.active = dto.active;
    if (dto.description !== undefined) s.description = dto.description;
    return subscriptionView(await this.dataSource.getRepository(WebhookSubscription).save(s));
  }

  async rotateSecret(actor: Actor, id: string) {
    const s = await this.getSubscription(actor, id);
    s.secret = newWebhookSecret();
    const saved = await this.dataSource.getRepository(WebhookSubscription).save(s);
    return { ...subscriptionView(saved), secret: saved.secret };
  }

  // ---- deliveries ---------------------------------------------------------------------------

  /** The delivery, or 404 unless `WebhookDeliveryAccess` lets the actor see it. */
  private async delivery(actor: Actor, id: string): Promise<WebhookDelivery> {
    const d = await this.dataSource.getRepository(WebhookDelivery).findOneBy({ id });
    return WebhookDeliveryAccess.assertVisibleTo(this.dataSource.manager, d, actor, id);
  }

  async getDelivery(actor: Actor, id: string) {
    const d = await this.delivery(actor, id);
    const attempts = await this.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .find({ where: { deliveryId: id }, order: { id: 'ASC' } });
    return {
      ...deliveryView(d),
      payload: d.payload,
      attemptLog: attempts.map((a) => ({
        attempt: a.attempt,
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        error: a.error,
        responseExcerpt: a.responseExcerpt,
      })),
    };
  }

  async listDeliveries(actor: Actor, q: DeliveryListQuery) {
    const qb = this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d');
    WebhookDeliveryAccess.restrict(qb, actor, 'd');
    if (q.subscriptionId) qb.andWhere('d.subscription_id = :sid', { sid: q.subscriptionId });
    if (q.status) qb.andWhere('d.status = :status', { status: q.status });
    return mapPage(await paginate(qb, q), deliveryView);
  }

  /** Sends the same event again as a new delivery (its own attempts and log). */
  async replay(actor: Actor, id: string) {
    const original = await this.delivery(actor, id);
    const created = await this.dataSource.transaction(async (m) => {
      const repo = m.getRepository(WebhookDelivery);
      const copy = await repo.save(
        repo.create({
          subscriptionId: original.subscriptionId,
          eventId: original.eventId,
          eventType: original.eventType,
          payload: original.payload,
          status: 'pending',
          attempts: 0,
          replayOf: original.id,
        }),
      );
      await this.outbox.write(m, [job(DeliverWebhook, { deliveryId: copy.id })]);
      return copy;
    });
    return deliveryView(created);
  }

  // ---- job handlers -------------------------------------------------------------------------

  /** PublishWebhookEvent: one delivery per matching active subscription, once per event. */
  async fanOut(event: PublishPayload): Promise<void> {
    await this.dataSource.transaction(async (m: EntityManager) => {
      const envelope = {
        id: event.eventId,
        type: event.type,
        createdAt: event.occurredAt,
        organisationId: event.organisationId,
        data: event.data,
      };
      const rows = await m.query<Array<{ id: string }>>(
        `INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, payload)
         SELECT s.id, $1, $2, $3::jsonb FROM webhook_subscriptions s
          WHERE s.active
            AND (s.organisation_id = $4 OR s.organisation_id IS NULL)
            AND (s.event_types @> ARRAY[$2]::text[] OR s.event_types @> ARRAY['*']::text[])
         ON CONFLICT (event_id, subscription_id) WHERE replay_of IS NULL DO NOTHING
         RETURNING id`,
        [event.eventId, event.type, JSON.stringify(envelope), event.organisationId],
      );
      await this.outbox.write(
        m,
        rows.map((r) => job(DeliverWebhook, { deliveryId: r.id })),
      );
    });
  }

  /** DeliverWebhook: one signed POST; throws on a non-2xx so BullMQ retries with backoff. */
  async deliver(deliveryId: string, ctx: JobContext): Promise<void> {
    const delivery = await this.dataSource.getRepository(WebhookDelivery).findOneBy({
      id: deliveryId,
    });
    if (!delivery || delivery.status !== 'pending') return; // delivered, given up, or gone
    const sub = await this.dataSource
      .getRepository(WebhookSubscription)
      .findOneByOrFail({ id: delivery.subscriptionId });
    if (!sub.active) {
      await this.finish(delivery.id, 'failed', null, 'subscription is inactive');
      return;
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const startedAt = new Date();
    const result = await postWebhook(
      sub.url,
      body,
      {
        [SIGNATURE_HEADER]: signatureHeader(sub.secret, body, timestamp),
        'reloop-event-id': delivery.eventId,
        'reloop-event-type': delivery.eventType,
        'reloop-delivery-id': delivery.id,
      },
      { allowPrivate: this.config.webhooks.allowPrivate },
    );
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const error = result.error ?? (ok ? null : `receiver answered ${String(result.statusCode)}`);
    await this.dataSource.transaction(async (m) => {
      await m.getRepository(WebhookDeliveryAttempt).insert({
        deliveryId: delivery.id,
        attempt: ctx.attempt,
        startedAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error,
        responseExcerpt: result.responseExcerpt,
      });
      const last = ok || result.blocked || ctx.attempt >= ctx.maxAttempts;
      await m.query(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = $2,
           last_error = $3, status = $4, delivered_at = CASE WHEN $4 = 'delivered' THEN now() END,
           updated_at = now()
         WHERE id = $1`,
        [delivery.id, result.statusCode, error, ok ? 'delivered' : last ? 'failed' : 'pending'],
      );
    });
    if (ok) return;
    if (result.blocked) throw new UnrecoverableError(error ?? 'receiver address refused');
    this.logger.warn(`Webhook ${delivery.id} attempt ${ctx.attempt} failed: ${error}`);
    throw new Error(error ?? 'delivery failed');
  }

  private async finish(id: string, status: 'failed', code: number | null, error: string) {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = $2, last_status_code = $3, last_error = $4,
         updated_at = now() WHERE id = $1 AND status = 'pending'`,
      [id, status, code, error],
    );
  }
}
