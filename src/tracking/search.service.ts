import { Inject, Injectable } from '@nestjs/common';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import { OrderNumbers } from '../core/read-models/order-numbers.js';
import { ReadDatabase } from '../database/read-database.js';
import { normalisePhone } from '../core/http/phone.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import { type ItemHit, TrackingRepository } from './data/tracking.repository.js';

export type MatchKey =
  | 'orderNumber'
  | 'orderId'
  | 'itemId'
  | 'phone'
  | 'traceCode'
  | 'serialNumber'
  | 'imei'
  | 'vin'
  | 'email'
  // What callers say when they do not have the whole value (issue 22): found through trigram
  // indexes, and ranked after the exact keys.
  | 'phoneEnding'
  | 'name'
  | 'traceCodeStart'
  | 'imeiStart';

/** The keys that name exactly one thing; a hit by any of them comes before partial ones. */
const EXACT: ReadonlySet<MatchKey> = new Set([
  'orderNumber',
  'orderId',
  'itemId',
  'phone',
  'traceCode',
  'serialNumber',
  'imei',
  'vin',
  'email',
]);

/** LIKE's own characters in a user's text are meant literally. */
const likeText = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_HITS = 50;

/**
 * One search box for customer service: the query is tried as every key it could be (order
 * number, phone, trace code, serial, IMEI, VIN, e-mail, id), each an exact, indexed lookup, and
 * as what callers actually say — the last four digits of a phone, a name, the start of a trace
 * code or IMEI — through trigram indexes (pg_trgm). Exact hits come first.
 */
@Injectable()
export class SearchService {
  constructor(
    // Support search reads the replica (issue 27): a second's lag is nothing to a person on
    // the phone, and its trigram scans never compete with transitions there.
    private readonly reads: ReadDatabase,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly orderNumbers: OrderNumbers,
    private readonly repository: TrackingRepository,
  ) {}

  async search(raw: string) {
    const q = raw.trim();
    const hits = new Map<string, { item: ItemHit; matchedBy: Set<MatchKey> }>();
    const add = (key: MatchKey, rows: ItemHit[]) => {
      for (const item of rows) {
        const hit = hits.get(item.id) ?? { item, matchedBy: new Set<MatchKey>() };
        hit.matchedBy.add(key);
        hits.set(item.id, hit);
      }
    };
    const lookups: Array<Promise<void>> = [];
    const run = (key: MatchKey, where: string, params: unknown[]) =>
      lookups.push(
        this.repository
          .itemHits(where, params, MAX_HITS, this.reads.replica.manager)
          .then((rows) => add(key, rows)),
      );

    const traceCode = normaliseTraceCode(q);
    if (traceCode) run('traceCode', 'i.trace_code = $1', [traceCode]);
    // A person finds the items they own now and those they owned before (issue 18). One set
    // of ids by UNION, not two IN lists joined by OR: the OR scans every item (200 ms at 1 M
    // items in the bench), the UNION takes the two owner indexes (under a millisecond).
    const ownedBy = (userWhere: string) =>
      `i.id IN (SELECT o.id FROM items o WHERE o.owner_id IN (SELECT id FROM users WHERE ${userWhere})
                UNION
                SELECT io.item_id FROM item_ownerships io
                 WHERE io.owner_id IN (SELECT id FROM users WHERE ${userWhere}))`;
    if (q.includes('@')) run('email', ownedBy('email = lower($1)'), [q]);
    const phone = /^[+\d][\d\s().-]{5,}$/.test(q) ? normalisePhone(q) : null;
    if (phone) run('phone', ownedBy('phone = $1'), [phone]);
    const digits = q.replace(/[\s-]/g, '');
    if (/^\d{14,16}$/.test(digits)) run('imei', 'i.imei = $1', [digits]);
    if (/^[A-Za-z0-9][A-Za-z0-9./_-]{2,63}$/.test(q)) {
      run('serialNumber', 'upper(i.serial_number) = upper($1)', [q]);
      if (/^[A-HJ-NPR-Za-hj-npr-z0-9]{17}$/.test(q)) run('vin', 'upper(i.vin) = upper($1)', [q]);
    }
    if (/^\d{4}$/.test(q)) run('phoneEnding', ownedBy(`phone LIKE '%' || $1`), [q]);
    // A name: letters (any script), spaces, dots and hyphens; at least two characters.
    if (/^[\p{L}][\p{L}\p{M} .·'-]*$/u.test(q) && !q.includes('@') && [...q].length >= 2)
      run('name', ownedBy(`name ILIKE '%' || $1 || '%'`), [likeText(q)]);
    const codeStart = q.toUpperCase().replace(/[\s-]/g, '');
    if (!traceCode && /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{3,9}$/.test(codeStart))
      run('traceCodeStart', `i.trace_code LIKE $1 || '%'`, [codeStart]);
    if (/^\d{4,13}$/.test(digits)) run('imeiStart', `i.imei LIKE $1 || '%'`, [digits]);
    if (UUID.test(q)) {
      run('itemId', 'i.id = $1', [q]);
      run('orderId', `i.id IN (SELECT item_id FROM item_events WHERE entity_id = $1)`, [q]);
    }
    lookups.push(this.byOrderNumber(q).then((rows) => add('orderNumber', rows)));
    await Promise.all(lookups);

    const exact = (h: { matchedBy: Set<MatchKey> }) => [...h.matchedBy].some((k) => EXACT.has(k));
    const items = [...hits.values()]
      .sort(
        (a, b) =>
          Number(exact(b)) - Number(exact(a)) ||
          b.item.created_at.getTime() - a.item.created_at.getTime(),
      )
      .slice(0, MAX_HITS);
    // A car's mileage flag with its evidence, next to the item support is looking at.
    const cars = await this.vehicles.flagsForItems(items.map((h) => h.item.id));
    const owners = await this.ownerships(items.map((h) => h.item.id));
    return {
      query: q,
      items: items.map(({ item, matchedBy }) => ({
        matchedBy: [...matchedBy].sort(),
        id: item.id,
        traceCode: item.trace_code,
        state: item.state,
        grade: item.grade,
        categoryId: item.category_id,
        serialNumber: item.serial_number,
        imei: item.imei,
        custodian: { kind: item.custodian_kind, id: item.custodian_id },
        vehicle: cars.get(item.id) ?? null,
        owner: item.owner_id
          ? {
              id: item.owner_id,
              name: item.owner_name,
              email: item.owner_email,
              phone: item.owner_phone,
            }
          : null,
        // Every ownership period: the seller, the platform, the buyer... (support reads all).
        ownerships: owners.get(item.id) ?? [],
        createdAt: item.created_at,
      })),
    };
  }

  private async ownerships(itemIds: string[]) {
    const out = new Map<string, Array<Record<string, unknown>>>();
    if (itemIds.length === 0) return out;
    const rows = await this.repository.ownerships(itemIds, this.reads.replica.manager);
    for (const r of rows) {
      const list = out.get(r.item_id) ?? [];
      list.push({
        kind: r.owner_kind,
        ...(r.owner_id ? { id: r.owner_id, name: r.name, email: r.email, phone: r.phone } : {}),
        from: r.from_at,
        to: r.to_at,
        cause: r.cause,
      });
      out.set(r.item_id, list);
    }
    return out;
  }

  /**
   * Items of the order with this number: an order's number is the start of its id, as the
   * console prints it (eight characters) — a whole id is found by `orderId` above.
   */
  private async byOrderNumber(q: string): Promise<ItemHit[]> {
    const prefix = q.toLowerCase();
    if (!/^[0-9a-f]{6,8}$/.test(prefix)) return [];
    const db = this.reads.replica;
    const orderIds = await this.orderNumbers.find(db.manager, prefix, MAX_HITS);
    if (orderIds.length === 0) return [];
    return this.repository.itemHitsOfEntities(orderIds, MAX_HITS, db.manager);
  }
}
