import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type AccountRow, CarrierAccountRepository } from './data/carrier-account.repository.js';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { newWebhookSecret, verifySignature } from '../notifications/webhooks/signature.js';
import type { CreateCarrierAccountDto } from './api/resale.dto.js';
import { SaleShippingService } from './sale-shipping.service.js';
import { decodeCursor, type PageQuery, toPage } from '../core/http/pagination.js';

/** Tracking event types a carrier may send; only `delivered` and `lost` change an order. */
export const CARRIER_EVENT_TYPES = [
  'in-transit',
  'out-for-delivery',
  'delivery-failed',
  'delivered',
  'lost',
] as const;

const view = (a: AccountRow) => ({
  id: a.id,
  carrier: a.carrier,
  name: a.name,
  active: a.active,
  webhookPath: `/api/v1/webhooks/inbound/carriers/${a.id}`,
  createdAt: a.created_at,
  updatedAt: a.updated_at,
});

/**
 * Carrier accounts and their tracking webhooks: delivery is proven by the carrier, not the
 * merchant. An admin registers an account and gets its secret once (and again on rotation);
 * the carrier signs each event `Reloop-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw
 * body>">` with it. A timestamp outside 5 minutes is refused (no replay later) and an event id
 * is applied once per account (no replay within the window).
 */
@Injectable()
export class CarriersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: CarrierAccountRepository,
    private readonly shipping: SaleShippingService,
  ) {}

  async create(actor: Actor, dto: CreateCarrierAccountDto) {
    const secret = newWebhookSecret();
    const row = await this.accounts.create(dto.carrier, dto.name, secret, actor.userId);
    return { ...view(row), secret };
  }

  async list(page: PageQuery) {
    const limit = page.limit ?? 50;
    const cursor = decodeCursor(page.cursor);
    const rows = await this.accounts.after(cursor ?? null, limit + 1);
    return toPage(rows, limit, view, (r) => new Date(r.created_at));
  }

  async rotate(id: string) {
    const secret = newWebhookSecret();
    const row = await this.accounts.rotateSecret(id, secret);
    if (!row) throw new NotFound('Carrier account', id);
    return { ...view(row), secret };
  }

  /** A carrier's signed tracking event: verified, stored once, applied in one transaction. */
  async receive(accountId: string, rawBody: Buffer | undefined, signature: string | undefined) {
    const account = await this.accounts.findAccount(accountId);
    if (!account?.active) throw new NotFound('Carrier account', accountId);
    if (!rawBody || rawBody.length === 0) throw new BadRequestException('a JSON body is required');
    const check = verifySignature(account.secret, signature, rawBody);
    if (!check.ok) throw new UnauthorizedException(`Tracking event refused: ${check.reason}`);
    const event = parseEvent(rawBody);
    return this.dataSource.transaction(async (m) => {
      const inserted = await this.accounts.recordEvent(
        m,
        accountId,
        event,
        rawBody.toString('utf8'),
      );
      if (!inserted) {
        return { received: true, duplicate: true, eventId: event.id };
      }
      const result = await this.shipping.onCarrierEvent(m, accountId, event);
      return { received: true, duplicate: false, eventId: event.id, ...result };
    });
  }
}

function invalid(field: string, message: string): BadRequestException {
  return new BadRequestException({
    message: `Invalid input: ${field} ${message}`,
    fields: [{ field, errors: [message] }],
  });
}

/** `{ id, type, data: { trackingNumber, occurredAt? } }` */
function parseEvent(raw: Buffer) {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BadRequestException('body is not valid JSON');
  }
  const e = (body ?? {}) as Record<string, unknown>;
  const data = (e.data ?? {}) as Record<string, unknown>;
  if (typeof e.id !== 'string' || e.id.length === 0 || e.id.length > 200) {
    throw invalid('id', 'must be a string of 1-200 characters');
  }
  if (typeof e.type !== 'string' || !(CARRIER_EVENT_TYPES as readonly string[]).includes(e.type)) {
    throw invalid('type', `must be one of ${CARRIER_EVENT_TYPES.join(', ')}`);
  }
  if (
    typeof data.trackingNumber !== 'string' ||
    !/^[A-Za-z0-9-]{6,40}$/.test(data.trackingNumber)
  ) {
    throw invalid('data.trackingNumber', 'must be 6-40 letters or digits');
  }
  const now = Date.now();
  let occurredAt = new Date(now);
  if (data.occurredAt !== undefined) {
    const at = typeof data.occurredAt === 'string' ? new Date(data.occurredAt) : null;
    if (!at || Number.isNaN(at.getTime()) || at.getTime() > now + 5 * 60_000) {
      throw invalid('data.occurredAt', 'must be an ISO time not in the future');
    }
    occurredAt = at;
  }
  return { id: e.id, type: e.type, trackingNumber: data.trackingNumber, occurredAt };
}
