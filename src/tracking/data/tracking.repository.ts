import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../core/actor.js';
import { DataRepository } from '../../core/data/repository.js';
import {
  type HistorySpan,
  spanOf,
  STORED_EVENT_COLUMNS,
  type StoredEvent,
  withinSpan,
} from '../../core/history/history.service.js';
import { eventOwnedBySql, ItemHistoryAccess } from '../../core/items/ownership.js';
import { EVENT_COLUMNS, type EventRow } from './event-row.js';

/** An item as the passport shows it. */
export interface PassportItemRow {
  id: string;
  trace_code: string;
  state: string;
  category_id: string | null;
  product_model_id: string | null;
  grade: string | null;
  erasure_status: string;
  /** Set for cars (the passport shows the car's summary). */
  vin: string | null;
  created_at: Date;
  history_seq: number;
  history_hash: string;
  history_first_at: Date | null;
  history_last_at: Date | null;
}

/** An item's id and trace code, with when its history was written (to read only those months). */
export interface ItemHead extends HistorySpan {
  id: string;
  trace_code: string;
}

export interface OrganisationRef {
  id: string;
  name: string;
  kind: string;
}

/** An item as support search lists it, with its owner. */
export interface ItemHit {
  id: string;
  trace_code: string;
  state: string;
  grade: string | null;
  category_id: string | null;
  serial_number: string | null;
  imei: string | null;
  custodian_kind: string;
  custodian_id: string | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  owner_phone: string | null;
  created_at: Date;
}

/** One ownership period of an item, with the owner's contact (support search). */
export interface OwnershipRow {
  item_id: string;
  owner_kind: string;
  owner_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  from_at: Date;
  to_at: Date | null;
  cause: string;
}

const ITEM_HEAD = 'i.id, i.trace_code, i.history_first_at, i.history_last_at';

const ITEM_HIT_SELECT = `SELECT i.id, i.trace_code, i.state, i.grade, i.category_id, i.serial_number,
  i.imei, i.custodian_kind, i.custodian_id, i.owner_id, u.name AS owner_name,
  u.email AS owner_email, u.phone AS owner_phone, i.created_at
  FROM items i LEFT JOIN users u ON u.id = i.owner_id`;

/**
 * Tracking's reads over every stage's rows (it never writes): items, their history, the
 * organisations and people named in it, the catalog rows of the passport, and support search.
 * Each method reads through the manager of the connection the service chose (the replica or the
 * primary, `ReadDatabase`), the primary's own without one.
 */
@Injectable()
export class TrackingRepository extends DataRepository {
  /** The item with this (normalised) trace code. */
  async itemByTraceCode(
    code: string,
    manager?: EntityManager,
  ): Promise<PassportItemRow | undefined> {
    const [item] = await this.manager(manager).query<PassportItemRow[]>(
      `SELECT id, trace_code, state, category_id, product_model_id, grade, erasure_status, vin,
              created_at, history_seq, history_hash, history_first_at, history_last_at
         FROM items WHERE trace_code = $1`,
      [code],
    );
    return item;
  }

  /** All of an item's events, every column (the chain check needs the hashes). */
  storedEvents(
    item: { id: string } & HistorySpan,
    manager?: EntityManager,
  ): Promise<StoredEvent[]> {
    return this.manager(manager).query<StoredEvent[]>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM item_events e
        WHERE e.item_id = $1 AND ${withinSpan('e', '$2', '$3')} ORDER BY e.seq, e.id`,
      [item.id, ...spanOf([item])],
    );
  }

  /** The organisations with these ids. */
  organisations(ids: string[], manager?: EntityManager): Promise<OrganisationRef[]> {
    return this.manager(manager).query<OrganisationRef[]>(
      'SELECT id, name, kind FROM organisations WHERE id = ANY($1::uuid[])',
      [ids],
    );
  }

  /**
   * A category as a JSON row, with its ancestors up to the root (root first) when the table has
   * `parent_id`.
   */
  categoryPath(
    id: string,
    withParents: boolean,
    manager?: EntityManager,
  ): Promise<Array<{ c: Record<string, unknown> }>> {
    return this.manager(manager).query<Array<{ c: Record<string, unknown> }>>(
      withParents
        ? `WITH RECURSIVE up AS (
             SELECT c.*, 0 AS depth FROM categories c WHERE c.id = $1
             UNION ALL SELECT p.*, up.depth + 1 FROM categories p JOIN up ON p.id = up.parent_id
              WHERE up.depth < 5)
           SELECT to_jsonb(up) AS c FROM up ORDER BY depth DESC`
        : 'SELECT to_jsonb(c) AS c FROM categories c WHERE c.id = $1',
      [id],
    );
  }

  /** A product model as a JSON row. */
  async productModel(
    id: string,
    manager?: EntityManager,
  ): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.manager(manager).query<Array<{ m: Record<string, unknown> }>>(
      'SELECT to_jsonb(m) AS m FROM product_models m WHERE m.id = $1',
      [id],
    );
    return row?.m;
  }

  /** The item, when `ItemHistoryAccess` lets the actor read its history. */
  async readableItem(actor: Actor, id: string, manager?: EntityManager): Promise<ItemHead> {
    const params: unknown[] = [id];
    const [item] = await this.manager(manager).query<ItemHead[]>(
      `SELECT ${ITEM_HEAD} FROM items i
          WHERE i.id = $1 AND ${ItemHistoryAccess.rawWhere(actor, 'i', params)}`,
      params,
    );
    return item;
  }

  /** The items any event links to the entity that the actor may read, by trace code. */
  readableItemsOfEntity(
    actor: Actor,
    entityId: string,
    manager?: EntityManager,
  ): Promise<ItemHead[]> {
    const params: unknown[] = [entityId];
    return this.manager(manager).query<ItemHead[]>(
      `SELECT ${ITEM_HEAD} FROM items i
        WHERE i.id IN (SELECT DISTINCT item_id FROM item_events WHERE entity_id = $1)
          AND ${ItemHistoryAccess.rawWhere(actor, 'i', params)}
        ORDER BY i.trace_code`,
      params,
    );
  }

  /** Every event of `items` (staff), in `order`, at most `limit`. */
  allEvents(
    items: readonly ItemHead[],
    order: string,
    extra: string,
    limit: number,
    manager?: EntityManager,
  ): Promise<EventRow[]> {
    return this.manager(manager).query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM item_events e
        WHERE e.item_id = ANY($1::uuid[]) AND ${withinSpan('e', '$3', '$4')} ${extra}
        ORDER BY ${order} LIMIT $2`,
      [items.map((i) => i.id), limit, ...spanOf(items)],
    );
  }

  /**
   * The events of `items` an owner may read: those of their own periods or caused by them,
   * support-case events only of `ownCases`.
   */
  ownersEvents(
    items: readonly ItemHead[],
    order: string,
    extra: string,
    limit: number,
    userId: string | null,
    ownCases: string[],
    manager?: EntityManager,
  ): Promise<EventRow[]> {
    return this.manager(manager).query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM item_events e
        WHERE e.item_id = ANY($1::uuid[]) AND ${withinSpan('e', '$5', '$6')} ${extra}
          AND (e.actor_id = $3 OR ${eventOwnedBySql('e', '$3')})
          AND (e.entity <> 'SupportCase' OR e.actor_id = $3 OR e.entity_id = ANY($4::uuid[]))
        ORDER BY ${order} LIMIT $2`,
      [items.map((i) => i.id), limit, userId, ownCases, ...spanOf(items)],
    );
  }

  /** Which of these ids are users' ids. */
  async userIdsAmong(ids: string[], manager?: EntityManager): Promise<string[]> {
    const rows = await this.manager(manager).query<Array<{ id: string }>>(
      'SELECT id FROM users WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return rows.map((r) => r.id);
  }

  /** Support search: the items (with their owner) matching `where`, at most `limit`. */
  itemHits(
    where: string,
    params: unknown[],
    limit: number,
    manager?: EntityManager,
  ): Promise<ItemHit[]> {
    return this.manager(manager).query<ItemHit[]>(
      `${ITEM_HIT_SELECT} WHERE ${where} LIMIT ${limit}`,
      params,
    );
  }

  /** Support search: the items any event links to these entities, at most `limit`. */
  itemHitsOfEntities(
    entityIds: string[],
    limit: number,
    manager?: EntityManager,
  ): Promise<ItemHit[]> {
    return this.manager(manager).query<ItemHit[]>(
      `${ITEM_HIT_SELECT} WHERE i.id IN (
         SELECT e.item_id FROM item_events e WHERE e.entity_id = ANY($1::uuid[]))
       LIMIT ${limit}`,
      [entityIds],
    );
  }

  /** Every ownership period of these items, with the owners' contacts, oldest first. */
  ownerships(itemIds: string[], manager?: EntityManager): Promise<OwnershipRow[]> {
    return this.manager(manager).query<OwnershipRow[]>(
      `SELECT io.item_id, io.owner_kind, io.owner_id, u.name, u.email, u.phone, io.from_at,
              io.to_at, io.cause
         FROM item_ownerships io LEFT JOIN users u ON u.id = io.owner_id
        WHERE io.item_id = ANY($1::uuid[]) ORDER BY io.item_id, io.from_seq, io.created_at`,
      [itemIds],
    );
  }
}
