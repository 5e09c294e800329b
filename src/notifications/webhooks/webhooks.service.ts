import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { Actor } from '../../core/actor.js';
import { NotFound } from '../../core/errors.js';
import { mapPage } from '../../core/http/pagination.js';
import { DeliverWebhook, PublishWebhookEvent } from '../../core/jobs/job-catalogue.js';
import { job, type JobContext } from '../../core/jobs/job-definition.js';
import { OutboxService } from '../../core/outbox/outbox.service.js';
import { assertSafeWebhookUrl, UnsafeWebhookUrl } from './address-guard.js';
import { postWebhook } from './sender.js';
import { newWebhookSecret, SIGNATURE_HEADER, signatureHeader } from './signature.js';
import { WebhookRepository } from '../data/webhook.repository.js';
import { WebhookDeliveryAccess, WebhookSubscriptionAccess } from './webhook-access.js';
import type { WebhookDelivery, WebhookSubscription } from './webhook.entities.js';
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
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly webhooks: WebhookRepository,
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
        if (!(await this.webhooks.organisationExists(organisationId))) {
          throw new NotFound('Organisation', organisationId);
        }
      }
    } else {
      if (!actor.organisationId) throw new NotFound('Organisation');
      if (dto.organisationId && dto.organisationId !== actor.organisationId) {
        throw new NotFound('Organisation', dto.organisationId);
      }
      organisationId = actor.organisationId;
    }
    const url = await this.checkedUrl(dto.url);
    const saved = await this.webhooks.saveSubscription({
      organisationId,
      url,
      eventTypes: [...new Set(dto.eventTypes)],
      secret: newWebhookSecret(),
      description: dto.description ?? null,
      active: true,
      createdBy: actor.userId,
    });
    // The secret is shown once, at creation (and on rotation).
    return { ...subscriptionView(saved), secret: saved.secret };
  }

  async getSubscription(actor: Actor, id: string): Promise<WebhookSubscription> {
    const s = await this.webhooks.subscription(id);
    return WebhookSubscriptionAccess.assertVisible(s, actor, id);
  }

  async listSubscriptions(actor: Actor, q: SubscriptionListQuery) {
    const organisationId = actor.role === 'admin' ? q.organisationId : undefined;
    return mapPage(
      await this.webhooks.subscriptions(actor, { organisationId }, q),
      subscriptionView,
    );
  }

  async updateSubscription(actor: Actor, id: string, dto: UpdateSubscriptionDto) {
    const s = await this.getSubscription(actor, id);
    if (dto.url !== undefined) s.url = await this.checkedUrl(dto.url);
    if (dto.eventTypes) s.eventTypes = [...new Set(dto.eventTypes)];
    if (dto.active !== undefined) s.active = dto.active;
    if (dto.description !== undefined) s.description = dto.description;
    return subscriptionView(await this.webhooks.saveSubscription(s));
  }

  async rotateSecret(actor: Actor, id: string) {
    const s = await this.getSubscription(actor, id);
    s.secret = newWebhookSecret();
    const saved = await this.webhooks.saveSubscription(s);
    return { ...subscriptionView(saved), secret: saved.secret };
  }

  // ---- deliveries ---------------------------------------------------------------------------

  /** The delivery, or 404 unless `WebhookDeliveryAccess` lets the actor see it. */
  private async delivery(actor: Actor, id: string): Promise<WebhookDelivery> {
    const d = await this.webhooks.delivery(id);
    return WebhookDeliveryAccess.assertVisibleTo(this.dataSource.manager, d, actor, id);
  }

  async getDelivery(actor: Actor, id: string) {
    const d = await this.delivery(actor, id);
    const attempts = await this.webhooks.attempts(id);
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
    const page = await this.webhooks.deliveries(
      actor,
      { subscriptionId: q.subscriptionId, status: q.status },
      q,
    );
    return mapPage(page, deliveryView);
  }

  /** Sends the same event again as a new delivery (its own attempts and log). */
  async replay(actor: Actor, id: string) {
    const original = await this.delivery(actor, id);
    const created = await this.dataSource.transaction(async (m) => {
      const copy = await this.webhooks.createDelivery(m, {
        subscriptionId: original.subscriptionId,
        eventId: original.eventId,
        eventType: original.eventType,
        payload: original.payload,
        status: 'pending',
        attempts: 0,
        replayOf: original.id,
      });
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
      const ids = await this.webhooks.fanOut(m, event, envelope);
      await this.outbox.write(
        m,
        ids.map((deliveryId) => job(DeliverWebhook, { deliveryId })),
      );
    });
  }

  /** DeliverWebhook: one signed POST; throws on a non-2xx so BullMQ retries with backoff. */
  async deliver(deliveryId: string, ctx: JobContext): Promise<void> {
    const delivery = await this.webhooks.delivery(deliveryId);
    if (!delivery || delivery.status !== 'pending') return; // delivered, given up, or gone
    const sub = await this.webhooks.subscription(delivery.subscriptionId);
    if (!sub) throw new Error(`Webhook subscription ${delivery.subscriptionId} is gone`);
    if (!sub.active) {
      await this.webhooks.finish(delivery.id, 'failed', null, 'subscription is inactive');
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
      const last = ok || result.blocked || ctx.attempt >= ctx.maxAttempts;
      await this.webhooks.recordAttempt(
        m,
        {
          deliveryId: delivery.id,
          attempt: ctx.attempt,
          startedAt,
          durationMs: result.durationMs,
          statusCode: result.statusCode,
          error,
          responseExcerpt: result.responseExcerpt,
        },
        ok ? 'delivered' : last ? 'failed' : 'pending',
      );
    });
    if (ok) return;
    if (result.blocked) throw new UnrecoverableError(error ?? 'receiver address refused');
    this.logger.warn(`Webhook ${delivery.id} attempt ${ctx.attempt} failed: ${error}`);
    throw new Error(error ?? 'delivery failed');
  }
}
