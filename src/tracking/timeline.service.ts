import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { SUPPORT_CASES, type SupportCaseReads } from '../core/read-models/support-cases.js';
import type { EventRow } from './data/event-row.js';
import { custodyChain, ORGANISATION_CUSTODIANS } from './domain/custody.js';
import { ReadDatabase } from '../database/read-database.js';
import {
  type ItemHead,
  type OrganisationRef,
  TrackingRepository,
} from './data/tracking.repository.js';

/** Hard cap on one timeline read (an order holds at most 20 items). */
const MAX_EVENTS = 5000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every uuid-shaped string anywhere in an event's data. */
function uuidsIn(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') {
    if (UUID.test(value)) out.add(value.toLowerCase());
  } else if (Array.isArray(value)) {
    for (const v of value) uuidsIn(v, out);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) uuidsIn(v, out);
  }
}

/** The data without any other person's user id (couriers, graders, buyers...). */
export function withoutPeople(value: unknown, people: ReadonlySet<string>): unknown {
  if (typeof value === 'string') return people.has(value.toLowerCase()) ? undefined : value;
  if (Array.isArray(value)) {
    return value.map((v) => withoutPeople(v, people)).filter((v) => v !== undefined);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const kept = withoutPeople(v, people);
      if (kept !== undefined) out[k] = kept;
    }
    return out;
  }
  return value;
}

/**
 * Timelines from the item history (item_events): every stage appends there, so one query
 * shows the whole journey whichever modules are installed. Support and admins read everything.
 * An owner — current or past — reads the events of the periods they owned the item
 * (item_ownerships, issue 18) and the events they caused themselves, without other people's
 * ids and without other people's support cases; a former owner sees nothing after their sale.
 * Anyone else gets 404.
 */
@Injectable()
export class TimelineService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: ReadDatabase,
    private readonly repository: TrackingRepository,
    @Inject(SUPPORT_CASES) private readonly cases: SupportCaseReads,
  ) {}

  /**
   * Support and admins read timelines from the replica (they look, they rarely just changed the
   * item); owners and the parties who act on an item read their own objects from the primary.
   */
  private source(actor: Actor): DataSource {
    return seesEverything(actor) ? this.reads.replica : this.dataSource;
  }

  /**
   * The item, or 404 unless `ItemHistoryAccess` lets the actor read its history; with the
   * connection to read the rest from (the primary when the replica does not have it yet).
   */
  private async item(actor: Actor, id: string): Promise<{ item: ItemHead; db: DataSource }> {
    const hit = await this.reads.orPrimary(this.source(actor), (db) =>
      this.repository.readableItem(actor, id, db.manager),
    );
    if (!hit) throw new NotFound('Item', id);
    return { item: hit.found, db: hit.db };
  }

  /**
   * The events of `items` this actor may read, in the given order: everything for staff; for
   * an owner, those of their own periods or caused by them, support-case events only of their
   * own cases.
   */
  private async events(
    db: DataSource,
    actor: Actor,
    items: readonly ItemHead[],
    order: string,
    extra = '',
  ): Promise<EventRow[]> {
    if (seesEverything(actor)) {
      return this.repository.allEvents(items, order, extra, MAX_EVENTS, db.manager);
    }
    // Their own cases, as support tells (the SUPPORT_CASES port), through the same connection.
    const ownCases = actor.userId ? await this.cases.caseIdsOf(db.manager, actor.userId) : [];
    return this.repository.ownersEvents(
      items,
      order,
      extra,
      MAX_EVENTS,
      actor.userId,
      ownCases,
      db.manager,
    );
  }

  /** Ids of users (other than the actor) named in these events' data, for non-staff readers. */
  private async peopleIn(db: DataSource, actor: Actor, events: EventRow[]): Promise<Set<string>> {
    if (seesEverything(actor)) return new Set();
    const ids = new Set<string>();
    for (const e of events) uuidsIn(e.data, ids);
    if (actor.userId) ids.delete(actor.userId.toLowerCase());
    if (ids.size === 0) return ids;
    const users = await this.repository.userIdsAmong([...ids], db.manager);
    return new Set(users.map((id) => id.toLowerCase()));
  }

  async organisations(ids: Iterable<string | null>): Promise<Map<string, OrganisationRef>> {
    const list = [...new Set([...ids].filter((x): x is string => !!x))];
    if (list.length === 0) return new Map();
    const rows = await this.repository.organisations(list);
    return new Map(rows.map((r) => [r.id, r]));
  }

  private view(
    actor: Actor,
    e: EventRow,
    orgs: Map<string, OrganisationRef>,
    people: ReadonlySet<string>,
  ) {
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
      data: people.size > 0 ? withoutPeople(e.data, people) : e.data,
    };
  }

  private orgIds(events: EventRow[]): Array<string | null> {
    return events.flatMap((e) => [e.organisation_id, e.custodian_id]);
  }

  async itemTimeline(actor: Actor, itemId: string) {
    const { item, db } = await this.item(actor, itemId);
    const events = await this.events(db, actor, [item], 'e.seq');
    const orgs = await this.organisations(this.orgIds(events));
    const people = await this.peopleIn(db, actor, events);
    return {
      itemId: item.id,
      traceCode: item.trace_code,
      events: events.map((e) => this.view(actor, e, orgs, people)),
    };
  }

  /**
   * Every event of the items any event links to the entity (an order, a pickup, a lot...). An
   * owner reads it only when one of the entity's own events is theirs to read: the seller of a
   * phone gets 404 for its buyer's sale order, as from GET /sale-orders/:id.
   */
  async entityTimeline(actor: Actor, entityId: string) {
    const db = this.source(actor);
    const linked = await this.repository.readableItemsOfEntity(actor, entityId, db.manager);
    const events =
      linked.length === 0 ? [] : await this.events(db, actor, linked, 'e.at, e.item_id, e.seq');
    const visible = linked.filter((i) =>
      events.some((e) => e.item_id === i.id && e.entity_id === entityId),
    );
    if (visible.length === 0) throw new NotFound('Timeline', entityId);
    const shown = events.filter((e) => visible.some((i) => i.id === e.item_id));
    const orgs = await this.organisations(this.orgIds(shown));
    const people = await this.peopleIn(db, actor, shown);
    const codes = new Map(visible.map((i) => [i.id, i.trace_code]));
    return {
      entityId,
      items: visible.map((i) => ({ id: i.id, traceCode: i.trace_code })),
      events: shown.map((e) => ({
        itemId: e.item_id,
        traceCode: codes.get(e.item_id),
        ...this.view(actor, e, orgs, people),
      })),
    };
  }

  async custody(actor: Actor, itemId: string) {
    const { item, db } = await this.item(actor, itemId);
    // Only the custody of the owner's own periods: who held it after their sale is not theirs.
    const events = await this.events(
      db,
      actor,
      [item],
      'e.seq',
      'AND e.custodian_kind IS NOT NULL',
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
