import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import {
  DeliverWebhook,
  NotifyOwner,
  PublishWebhookEvent,
  SendSignUpCode,
} from '../core/jobs/job-catalogue.js';
import type { JobContext } from '../core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../core/jobs/job-handler.registry.js';
import { RetentionService } from '../core/retention/retention.service.js';
import { NotificationChannelProvider } from './channels.js';
import { InboundWebhookRepository } from './data/inbound-webhook.repository.js';
import { OwnerNotificationRepository } from './data/owner-notification.repository.js';
import { WebhookRepository } from './data/webhook.repository.js';
import {
  NotificationPreferencesController,
  NotificationPreferencesService,
} from './notification-preferences.js';
import { OwnerNotification } from './owner-notification.entity.js';
import { OwnerNotifier } from './owner-notifier.service.js';
import { notificationPruneTasks } from './retention.js';
import { InboundWebhookHandlers } from './webhooks/inbound-handlers.registry.js';
import { InboundWebhooksService } from './webhooks/inbound.service.js';
import { InboundWebhookVerifiers } from './webhooks/inbound-verifiers.js';
import { InboundRawBodyCapture } from './webhooks/raw-body.js';
import {
  InboundWebhook,
  InboundWebhookProvider,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookSubscription,
} from './webhooks/webhook.entities.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

/**
 * Owner notifications (SMS / e-mail through a provider) and webhooks: signed outbound events to
 * partners and merchants, and verified, deduplicated inbound events from payment and courier
 * partners. Other modules publish events with `webhookEvent(...)` / `WebhookEvents.publish` and
 * apply inbound events by registering with `InboundWebhookHandlers`.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      OwnerNotification,
      WebhookSubscription,
      WebhookDelivery,
      WebhookDeliveryAttempt,
      InboundWebhookProvider,
      InboundWebhook,
    ]),
  ],
  controllers: [WebhooksController, NotificationPreferencesController],
  providers: [
    OwnerNotificationRepository,
    WebhookRepository,
    InboundWebhookRepository,
    NotificationChannelProvider,
    OwnerNotifier,
    NotificationPreferencesService,
    WebhooksService,
    InboundWebhooksService,
    InboundWebhookHandlers,
    InboundWebhookVerifiers,
    InboundRawBodyCapture,
  ],
  // InboundWebhooksService: resale's test-mode payment runs its confirmation through it.
  exports: [InboundWebhookHandlers, InboundWebhookVerifiers, InboundWebhooksService],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobHandlerRegistry,
    private readonly notifier: OwnerNotifier,
    private readonly webhooks: WebhooksService,
    private readonly retention: RetentionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.jobs.register(NotifyOwner, (payload, ctx: JobContext) =>
      this.notifier.deliver(ctx.jobId, payload),
    );
    this.jobs.register(SendSignUpCode, (payload, ctx: JobContext) =>
      this.notifier.sendSignUpCode(ctx.jobId, payload),
    );
    this.jobs.register(PublishWebhookEvent, (payload) => this.webhooks.fanOut(payload));
    this.jobs.register(DeliverWebhook, (payload, ctx) =>
      this.webhooks.deliver(payload.deliveryId, ctx),
    );
    for (const task of notificationPruneTasks(this.config.retention)) this.retention.register(task);
  }
}
