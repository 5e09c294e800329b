import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { execute } from '../core/sql.js';
import { newWebhookSecret, verifySignature } from '../notifications/webhooks/signature.js';
import type { CreateCarrierAccountDto } from './resale.dto.js';
import { SaleOrdersService } from './sale-orders.service.js';
import { decodeCursor, type PageQuery, toPage } from '../core/http/pagination.js';

interface AccountRow {
  id: string;
  carrier: string;
  name: string;
  secret: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

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
    private readonly orders: SaleOrdersService,
  ) {}

  async create(actor: Actor, dto: CreateCarrierAccountDto) {
    const secret = newWebhookSecret();
    const [row] = await this.dataSource.query<AccountRow[]>(
      `INSERT INTO carrier_accounts (carrier, name, secret, created_by) VALUES ($1, $2, $3, $4)
       RETURNING *`,
      [dto.carrier, dto.name, secret, actor.userId],
    );
    return { ...view(row), secret };
  }

  async list(page: PageQuery) {
    const limit = page.limit ?? 50;
    const cursor = decodeCursor(page.cursor);
    const rows = await this.dataSource.query<AccountRow[]>(
      `SELECT * FROM carrier_accounts
        WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::uuid)
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [cursor?.at ?? null, cursor?.id ?? null, limit + 1],
    );
    return toPage(rows, limit, view, (r) => new Date(r.created_at));
  }

  async rotate(id: string) {
    const secret = newWebhookSecret();
    // An UPDATE answers [rows, count] through TypeORM: `execute` reads the rows.
    const {
      rows: [row],
    } = await execute<AccountRow>(
      this.dataSource.manager,
      `UPDATE carrier_accounts SET secret = $2, updated_at = now() WHERE id = $1 RETURNING *`,
      [id, secret],
    );
    if (!row) throw new NotFound('Carrier account', id);
    return { ...view(row), secret };
  }

  /** A carrier's signed tracking event: verified, stored once, applied in one transaction. */
  async receive(accountId: string, rawBody: Buffer | undefined, signature: string | undefined) {
    const [account] = await this.dataSource.query<AccountRow[]>(
      'SELECT * FROM carrier_accounts WHERE id = $1',
      [accountId],
    );
    if (!account?.active) throw new NotFound('Carrier account', accountId);
    if (!rawBody || rawBody.length === 0) throw new BadRequestException('a JSON body is required');
    const check = verifySignature(account.secret, signature, rawBody);
    if (!check.ok) throw new UnauthorizedException(`Tracking event refused: ${check.reason}`);
    const event = parseEvent(rawBody);
    return this.dataSource.transaction(async (m) => {
      const inserted = await m.query<Array<{ id: string }>>(
        `INSERT INTO carrier_tracking_events
           (carrier_account_id, event_id, type, tracking_number, payload)
         VALUES ($1, $2, $3, $4, $5::jsonb)
         ON CONFLICT (carrier_account_id, event_id) DO NOTHING RETURNING id`,
        [accountId, event.id, event.type, event.trackingNumber, rawBody.toString('utf8')],
      );
      if (inserted.length === 0) {
        return { received: true, duplicate: true, eventId: event.id };
      }
      const result = await this.orders.onCarrierEvent(m, accountId, event);
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
