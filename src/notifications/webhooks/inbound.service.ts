import { randomBytes } from 'node:crypto';
import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFound } from '../../core/errors.js';
import { mapPage } from '../../core/http/pagination.js';
import type { IncomingHttpHeaders } from 'node:http';
import { InboundWebhookRepository } from '../data/inbound-webhook.repository.js';
import { InboundWebhookHandlers } from './inbound-handlers.registry.js';
import { InboundWebhookVerifiers } from './inbound-verifiers.js';
import { verifySignature } from './signature.js';
import type { InboundListQuery } from './webhooks.dto.js';

const PROVIDER = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * Partner webhooks (payment, courier): the raw body is checked against the provider's secret
 * (`Reloop-Signature: t=<unix>,v1=<hex>` over `<t>.<body>`), then stored once per event id and
 * handed to the registered handlers in the same transaction.
 */
@Injectable()
export class InboundWebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbound: InboundWebhookRepository,
    private readonly handlers: InboundWebhookHandlers,
    private readonly verifiers: InboundWebhookVerifiers,
  ) {}

  async setProvider(provider: string, secret: string, active = true) {
    if (!PROVIDER.test(provider)) {
      throw new BadRequestException('provider must be 2-40 lower-case letters, digits or hyphens');
    }
    await this.inbound.upsertProvider(provider, secret, active);
    return { provider, active };
  }

  async listProviders() {
    const rows = await this.inbound.providers();
    return {
      items: rows.map((p) => ({ provider: p.provider, active: p.active, updatedAt: p.updatedAt })),
    };
  }

  async receive(
    provider: string,
    rawBody: Buffer | undefined,
    signature: string | undefined,
    headers: IncomingHttpHeaders = {},
  ): Promise<{ received: true; duplicate: boolean; eventId: string }> {
    const verify = this.verifiers.get(provider);
    if (verify) {
      if (!rawBody) throw new BadRequestException('a JSON body is required');
      // The provider's own scheme (e.g. WeChat Pay's platform signature and encrypted resource).
      const v = await verify(headers, rawBody);
      // Its events are listed with the others; the row's secret is never used (no HMAC).
      await this.inbound.ensureProvider(
        provider,
        `unused_${randomBytes(24).toString('base64url')}`,
      );
      return this.store(provider, v.eventId, v.type, v.payload, v.data);
    }
    const p = PROVIDER.test(provider) ? await this.inbound.provider(provider) : null;
    if (!p || !p.active) throw new NotFound('Webhook provider', provider);
    if (!rawBody) throw new BadRequestException('a JSON body is required');
    const check = verifySignature(p.secret, signature, rawBody);
    if (!check.ok) throw new UnauthorizedException(`Webhook refused: ${check.reason}`);

    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new BadRequestException('body is not valid JSON');
    }
    const event = payload as Record<string, unknown>;
    const eventId = typeof event?.id === 'string' ? event.id : null;
    const type = typeof event?.type === 'string' ? event.type : null;
    if (!eventId || eventId.length > 200 || !type || type.length > 100) {
      throw new BadRequestException({
        message: 'Invalid input: id, type',
        fields: [
          { field: 'id', errors: ['id must be a string of at most 200 characters'] },
          { field: 'type', errors: ['type must be a string of at most 100 characters'] },
        ],
      });
    }

    return this.store(provider, eventId, type, event, event.data);
  }

  /** Stored once per (provider, event id) and handled in the same transaction. */
  private store(
    provider: string,
    eventId: string,
    type: string,
    event: Record<string, unknown>,
    data: unknown,
  ): Promise<{ received: true; duplicate: boolean; eventId: string }> {
    return this.dataSource.transaction(async (m) => {
      // The unique (provider, event_id) makes a concurrent resend wait for us, then do nothing.
      const id = await this.inbound.storeOnce(m, { provider, eventId, type, payload: event });
      if (id === null) return { received: true as const, duplicate: true, eventId };
      const handlers = this.handlers.for(provider, type);
      for (const handle of handlers) {
        await handle(m, { provider, eventId, type, data, payload: event });
      }
      await this.inbound.markHandled(m, id, handlers.length);
      return { received: true as const, duplicate: false, eventId };
    });
  }

  async list(q: InboundListQuery) {
    return mapPage(await this.inbound.page({ provider: q.provider }, q), (r) => ({
      id: r.id,
      provider: r.provider,
      eventId: r.eventId,
      type: r.type,
      handledBy: r.handledBy,
      receivedAt: r.receivedAt,
      payload: r.payload,
    }));
  }
}
