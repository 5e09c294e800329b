import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataRepository } from '../../core/data/repository.js';
import { type Page, type PageQuery, paginate } from '../../core/http/pagination.js';
import { InboundWebhook, InboundWebhookProvider } from '../webhooks/webhook.entities.js';
import { whereEqual } from '../../core/data/list-filters.js';

/** Partner webhooks: the providers with their secrets, and each event received once. */
@Injectable()
export class InboundWebhookRepository extends DataRepository {
  /** Sets a provider's secret and whether it is active (creating it when new). */
  async upsertProvider(provider: string, secret: string, active: boolean): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO inbound_webhook_providers (provider, secret, active) VALUES ($1, $2, $3)
       ON CONFLICT (provider) DO UPDATE SET secret = $2, active = $3, updated_at = now()`,
      [provider, secret, active],
    );
  }

  /** Lists a provider that verifies with its own scheme (its secret is never used). */
  async ensureProvider(provider: string, unusedSecret: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO inbound_webhook_providers (provider, secret, active) VALUES ($1, $2, true)
       ON CONFLICT (provider) DO NOTHING`,
      [provider, unusedSecret],
    );
  }

  providers(): Promise<InboundWebhookProvider[]> {
    return this.dataSource
      .getRepository(InboundWebhookProvider)
      .find({ order: { provider: 'ASC' } });
  }

  provider(provider: string): Promise<InboundWebhookProvider | null> {
    return this.dataSource.getRepository(InboundWebhookProvider).findOneBy({ provider });
  }

  /**
   * Stores the event unless this provider's event id is already stored (a concurrent resend waits
   * on the unique key, then does nothing); its row id, or null for a duplicate.
   */
  async storeOnce(
    manager: EntityManager,
    event: { provider: string; eventId: string; type: string; payload: unknown },
  ): Promise<string | null> {
    const inserted = await manager.query<Array<{ id: string }>>(
      `INSERT INTO inbound_webhooks (provider, event_id, type, payload) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (provider, event_id) DO NOTHING RETURNING id`,
      [event.provider, event.eventId, event.type, JSON.stringify(event.payload)],
    );
    return inserted[0]?.id ?? null;
  }

  async markHandled(manager: EntityManager, id: string, handlers: number): Promise<void> {
    await manager.query('UPDATE inbound_webhooks SET handled_by = $2 WHERE id = $1', [
      id,
      handlers,
    ]);
  }

  /** Received events, newest first, of one provider when given. */
  page(filter: { provider?: string }, page: PageQuery): Promise<Page<InboundWebhook>> {
    const qb = this.dataSource.getRepository(InboundWebhook).createQueryBuilder('w');
    whereEqual(qb, { 'w.provider': filter.provider });
    return paginate(qb, page, { by: 'received_at' });
  }
}
