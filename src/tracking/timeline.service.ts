import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import {
  custodyChain,
  EVENT_COLUMNS,
  type EventRow,
  ORGANISATION_CUSTODIANS,
} from './event-row.js';

interface ItemHead {
  id: string;
  trace_code: string;
  owner_id: string | null;
}

interface OrganisationRef {
  id: string;
  name: string;
  kind: string;
}

/** Hard cap on one timeline read (an order holds at most 20 items). */
const MAX_EVENTS = 5000;

/**
 * Timelines from the item history (item_events): every stage appends there, so one query
 * shows the whole journey whichever modules are installed. Owners see their own items; support
 * and admins everything; anyone else gets 404.
 */
@Injectable()
export class TimelineService {
  constructor(private readonly dataSource: DataSource) {}

  private mayRead(actor: Actor, item: ItemHead): boolean {
    return seesEverything(actor) || (actor.userId !== null && item.owner_id === actor.userId);
  }

  private async item(actor: Actor, id: string): Promise<ItemHead> {
    const [item] = await this.dataSource.query<ItemHead[]>(
      'SELECT id, trace_code, owner_id FROM items WHERE id = $1',
      [id],
    );
    if (!item || !this.mayRead(actor, item)) throw new NotFound('Item', id);
    return item;
  }

  async organisations(ids: Iterable<string | null>): Promise<Map<string, OrganisationRef>> {
    const list = [...new Set([...ids].filter((x): x is string => !!x))];
    if (list.length === 0) return new Map();
    const rows = await this.dataSource.query<OrganisationRef[]>(
      'SELECT id, name, kind FROM organisations WHERE id = ANY($1::uuid[])',
      [list],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private view(actor: Actor, e: EventRow, orgs: Map<string, OrganisationRef>) {
    const staff = seesEverything(actor);
    const org = e.organisation_id ? orgs.get(e.organisation_id) : undefined;
    const custodianOrg =
      e.custodian_id && e.custodian_kind && ORGANISATION_CUSTODIANS.has(e.custodian_kind)
        ? orgs.get(e.custodian_id)
        : undefined;
    // Owners see who did what by role and organisation, not staff members' ids.
    const showPersonIds = staff;
    return {
      seq: e.seq,
      at: e.at,
      type: e.type,
      entity: e.entity,
      entityId: e.entity_id,
      fromState: e.from_state,
      toState: e.to_state,
      actor: {
        role: e.actor_role,
        ...(showPersonIds || e.actor_id === actor.userId ? { id: e.actor_id } : {}),
      },
      organisation: org ? { id: org.id, name: org.name, kind: org.kind } : null,
      custodian: e.custodian_kind
        ? {
            kind: e.custodian_kind,
            ...(custodianOrg
              ? { id: custodianOrg.id, name: custodianOrg.name }
              : showPersonIds || e.custodian_id === actor.userId
                ? { id: e.custodian_id }
                : {}),
          }
        : null,
      place: e.place,
      data: e.data,
    };
  }

  private orgIds(events: EventRow[]): Array<string | null> {
    return events.flatMap((e) => [e.organisation_id, e.custodian_id]);
  }

  async itemTimeline(actor: Actor, itemId: string) {
    const item = await this.item(actor, itemId);
    const events = await this.dataSource.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM item_events e WHERE e.item_id = $1 ORDER BY e.seq LIMIT $2`,
      [item.id, MAX_EVENTS],
    );
    const orgs = await this.organisations(this.orgIds(events));
    return {
      itemId: item.id,
      traceCode: item.trace_code,
      events: events.map((e) => this.view(actor, e, orgs)),
    };
  }

  /** Every event of the items any event links to the entity (an order, a pickup, a lot...). */
  async entityTimeline(actor: Actor, entityId: string) {
    const linked = await this.dataSource.query<ItemHead[]>(
      `SELECT i.id, i.trace_code, i.owner_id FROM items i
        WHERE i.id IN (SELECT DISTINCT item_id FROM item_events WHERE entity_id = $1)
        ORDER BY i.trace_code`,
      [entityId],
    );
    const visible = linked.filter((i) => this.mayRead(actor, i));
    if (visible.length === 0) throw new NotFound('Timeline', entityId);
    const events = await this.dataSource.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM item_events e WHERE e.item_id = ANY($1::uuid[])
        ORDER BY e.at, e.item_id, e.seq LIMIT $2`,
      [visible.map((i) => i.id), MAX_EVENTS],
    );
    const orgs = await this.organisations(this.orgIds(events));
    const codes = new Map(visible.map((i) => [i.id, i.trace_code]));
    return {
      entityId,
      items: visible.map((i) => ({ id: i.id, traceCode: i.trace_code })),
      events: events.map((e) => ({
        itemId: e.item_id,
        traceCode: codes.get(e.item_id),
        ...this.view(actor, e, orgs),
      })),
    };
  }

  async custody(actor: Actor, itemId: string) {
    const item = await this.item(actor, itemId);
    const events = await this.dataSource.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM item_events e
        WHERE e.item_id = $1 AND e.custodian_kind IS NOT NULL ORDER BY e.seq`,
      [item.id],
    );
    const chain = custodyChain(events);
    const orgs = await this.organisations(
      chain.filter((c) => ORGANISATION_CUSTODIANS.has(c.kind)).map((c) => c.id),
    );
    const staff = seesEverything(actor);
    return {
      itemId: item.id,
      traceCode: item.trace_code,
      chain: chain.map((c) => {
        const org = c.id ? orgs.get(c.id) : undefined;
        return {
          kind: c.kind,
          ...(org
            ? { id: org.id, name: org.name }
            : staff || c.id === actor.userId
              ? { id: c.id }
              : {}),
          since: c.since,
          until: c.until,
          handedOverBy: c.eventType,
          seq: c.seq,
        };
      }),
    };
  }
}
