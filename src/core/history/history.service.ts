import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import canonicalize from 'canonicalize';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
} from 'typeorm';
import type { Actor } from '../actor.js';
import { Clock } from '../clock.js';
import type { OutboxJob } from '../jobs/job-definition.js';
import { outboxInsert, outboxNotify } from '../outbox/outbox.service.js';

export interface HistoryEntry {
  type: string;
  entity: string;
  entityId: string;
  fromState?: string | null;
  toState?: string | null;
  actor: Actor;
  custodian?: { kind: string; id: string | null } | null;
  place?: string | null;
  data?: Record<string, unknown>;
}

/** The fields the hash covers, in the order a verifier rebuilds them from a stored row. */
interface HashedFields {
  itemId: string;
  seq: number;
  at: string;
  type: string;
  entity: string;
  entityId: string;
  fromState: string | null;
  toState: string | null;
  actorRole: string;
  actorId: string | null;
  organisationId: string | null;
  custodianKind: string | null;
  custodianId: string | null;
  place: string | null;
  data: unknown;
  prevHash: string;
}

export function eventHash(fields: HashedFields): string {
  return createHash('sha256')
    .update(canonicalize(fields) ?? '')
    .digest('hex');
}

/** Where an item's chain stands: the last sequence number and hash (kept on the item row). */
export interface ItemHead {
  history_seq: number;
  history_hash: string;
}

export interface ChainReport {
  itemId: string;
  intact: boolean;
  events: number;
  /** The first sequence number whose entry does not match; null when intact. */
  firstBrokenSeq: number | null;
  reason: string | null;
}

@Injectable()
export class HistoryService implements OnModuleInit {
  /**
   * The heads this transaction has advanced, by item: it holds those rows' locks until it ends,
   * so the next entry it appends to the same item (a parcel received, then its item, then the
   * item's inspection opened) need not read them again. Forgotten on any rollback, savepoints
   * included, since the heads written after the savepoint are then gone.
   */
  private readonly advanced = new WeakMap<QueryRunner, Map<string, ItemHead>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const forget = (e: { queryRunner: QueryRunner }) => {
      this.advanced.delete(e.queryRunner);
    };
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: forget,
      afterTransactionRollback: forget,
    };
    this.dataSource.subscribers.push(subscriber);
  }

  /**
   * Appends one entry to each item's chain, inside the caller's transaction. The items' rows are
   * locked (`SELECT ... ORDER BY id FOR UPDATE`, in id order so two transitions never deadlock)
   * and their heads read in one statement; every entry is inserted and every head advanced (seq
   * and hash) in a second one, whatever the number of items (issue 27 point 2). `heads` are the
   * heads of rows the caller has just locked itself (a transition on the item), not read again.
   */
  async append(
    manager: EntityManager,
    itemIds: readonly string[],
    entry: HistoryEntry,
    heads?: ReadonlyMap<string, ItemHead>,
    /** Follow-up jobs written to the outbox by the same statement (one round trip less). */
    jobs?: readonly OutboxJob[],
  ): Promise<void> {
    // The platform clock, as the states' stateEnteredAt: `at` also picks the month's partition.
    const at = this.clock.now().toISOString();
    const data = entry.data
      ? (JSON.parse(JSON.stringify(entry.data)) as Record<string, unknown>)
      : {};
    const ids = [...new Set(itemIds)].sort();
    if (ids.length === 0) return;
    const known = new Map<string, ItemHead>();
    const runner = manager.queryRunner?.isTransactionActive ? manager.queryRunner : undefined;
    const advanced = runner ? this.advanced.get(runner) : undefined;
    const missing = ids.filter((id) => {
      const head = heads?.get(id) ?? advanced?.get(id);
      if (head) known.set(id, head);
      return !head;
    });
    if (missing.length > 0) {
      const rows = await manager.query<Array<ItemHead & { id: string }>>(
        missing.length === 1
          ? 'SELECT id, history_seq, history_hash FROM items WHERE id = $1 FOR UPDATE'
          : `SELECT id, history_seq, history_hash FROM items WHERE id = ANY($1::uuid[])
              ORDER BY id FOR UPDATE`,
        [missing.length === 1 ? missing[0] : missing],
      );
      for (const r of rows) known.set(r.id, r);
    }
    const params: unknown[] = [];
    const events: string[] = [];
    const advances: string[] = [];
    const next = new Map<string, ItemHead>();
    for (const itemId of ids) {
      const head = known.get(itemId);
      if (!head) throw new Error(`History append for unknown item ${itemId}`);
      const fields: HashedFields = {
        itemId,
        seq: head.history_seq + 1,
        at,
        type: entry.type,
        entity: entry.entity,
        entityId: entry.entityId,
        fromState: entry.fromState ?? null,
        toState: entry.toState ?? null,
        actorRole: entry.actor.role,
        actorId: entry.actor.userId,
        organisationId: entry.actor.organisationId,
        custodianKind: entry.custodian?.kind ?? null,
        custodianId: entry.custodian?.id ?? null,
        place: entry.place ?? null,
        data,
        prevHash: head.history_hash,
      };
      const hash = eventHash(fields);
      next.set(itemId, { history_seq: fields.seq, history_hash: hash });
      const b = params.length;
      params.push(
        itemId,
        fields.seq,
        at,
        fields.type,
        fields.entity,
        fields.entityId,
        fields.fromState,
        fields.toState,
        fields.actorRole,
        fields.actorId,
        fields.organisationId,
        fields.custodianKind,
        fields.custodianId,
        fields.place,
        JSON.stringify(data),
        fields.prevHash,
        hash,
      );
      const p = (n: number) => `$${b + n}`;
      events.push(`(${Array.from({ length: 17 }, (_, i) => p(i + 1)).join(',')})`);
      advances.push(`(${p(1)}::uuid, ${p(2)}::int, ${p(17)}::text)`);
    }
    const insertEvents = `ev AS (
         INSERT INTO item_events (item_id, seq, at, type, entity, entity_id, from_state, to_state,
           actor_role, actor_id, organisation_id, custodian_kind, custodian_id, place, data,
           prev_hash, hash)
         VALUES ${events.join(', ')})`;
    // The span of the item's entries in time, so readers touch only those months' partitions
    // (see HistorySpan). It is kept only while it is known: NULL on an item with history means
    // "read every month" (LEAST and GREATEST would skip the NULL and hide the older entries).
    const at$ = `$${params.push(at)}::timestamptz`;
    const advance = `UPDATE items SET history_seq = v.seq, history_hash = v.hash,
           history_first_at = CASE WHEN items.history_seq = 0 OR items.history_first_at IS NOT NULL
                                   THEN LEAST(items.history_first_at, ${at$}) END,
           history_last_at = CASE WHEN items.history_seq = 0 OR items.history_last_at IS NOT NULL
                                  THEN GREATEST(items.history_last_at, ${at$}) END
         FROM (VALUES ${advances.join(', ')}) AS v(id, seq, hash)
        WHERE items.id = v.id`;
    if (jobs?.length) {
      const outbox = outboxInsert(jobs, params.length + 1, 'ob');
      await manager.query(
        `WITH ${insertEvents}, up AS (${advance} RETURNING 1), ${outbox.cte}
         ${outboxNotify('ob')}`,
        [...params, ...outbox.params],
      );
    } else {
      await manager.query(`WITH ${insertEvents} ${advance}`, params);
    }
    if (runner) {
      const memory = advanced ?? new Map<string, ItemHead>();
      for (const [id, head] of next) memory.set(id, head);
      this.advanced.set(runner, memory);
    }
  }

  /**
   * Recomputes an item's chain from its stored rows: every hash, every link, no gaps, and the
   * head kept on the item row (which catches a deleted last entry).
   */
  async verify(
    itemId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ChainReport> {
    const heads = await manager.query<Array<{ history_seq: number; history_hash: string }>>(
      'SELECT history_seq, history_hash FROM items WHERE id = $1',
      [itemId],
    );
    const rows = await manager.query<StoredEvent[]>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM item_events WHERE item_id = $1 ORDER BY seq, id`,
      [itemId],
    );
    return checkChain(itemId, heads[0] ?? null, rows);
  }
}

/**
 * When an item's history entries were written (items.history_first_at / _last_at, kept by
 * `append`): readers that bound `at` by it read only those months' partitions. Null bounds:
 * not known (no history yet, or a span lost by hand), so every month is read.
 */
export interface HistorySpan {
  history_first_at: Date | null;
  history_last_at: Date | null;
}

/** The span of all these items' entries, as two query parameters (nulls if any is unknown). */
export function spanOf(items: readonly HistorySpan[]): [Date | null, Date | null] {
  if (items.length === 0 || items.some((i) => !i.history_first_at || !i.history_last_at)) {
    return [null, null];
  }
  const first = Math.min(...items.map((i) => i.history_first_at!.getTime()));
  const last = Math.max(...items.map((i) => i.history_last_at!.getTime()));
  return [new Date(first), new Date(last)];
}

/**
 * `alias.at` within the span passed as parameters `first` and `last` (from `spanOf`). Each
 * query is planned with its parameters' values, so PostgreSQL folds the null test away and
 * prunes the months outside the span at planning.
 */
export function withinSpan(alias: string, first: string, last: string): string {
  return `(${first}::timestamptz IS NULL OR ${last}::timestamptz IS NULL
           OR ${alias}.at BETWEEN ${first}::timestamptz AND ${last}::timestamptz)`;
}

/** Every column of an item_events row, as `checkChain` needs it (snake_case, from SQL). */
export const STORED_EVENT_COLUMNS = `item_id, seq, at, type, entity, entity_id, from_state,
  to_state, actor_role, actor_id, organisation_id, custodian_kind, custodian_id, place, data,
  prev_hash, hash`;

export interface StoredEvent {
  item_id: string;
  seq: number;
  at: Date;
  type: string;
  entity: string;
  entity_id: string;
  from_state: string | null;
  to_state: string | null;
  actor_role: string;
  actor_id: string | null;
  organisation_id: string | null;
  custodian_kind: string | null;
  custodian_id: string | null;
  place: string | null;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/**
 * The chain check on rows already read (in `seq` order) and the head kept on the item row, so a
 * reader that needs the events anyway (the passport) checks them without reading them twice.
 */
export function checkChain(
  itemId: string,
  head: { history_seq: number; history_hash: string } | null,
  rows: readonly StoredEvent[],
): ChainReport {
  const broken = (seq: number | null, reason: string): ChainReport => ({
    itemId,
    intact: false,
    events: rows.length,
    firstBrokenSeq: seq,
    reason,
  });
  let prevHash = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (r.seq !== i + 1) return broken(i + 1, `entry ${i + 1} is missing or out of order`);
    if (r.prev_hash !== prevHash) return broken(r.seq, 'link to the previous entry does not match');
    const expected = eventHash({
      itemId,
      seq: r.seq,
      at: new Date(r.at).toISOString(),
      type: r.type,
      entity: r.entity,
      entityId: r.entity_id,
      fromState: r.from_state,
      toState: r.to_state,
      actorRole: r.actor_role,
      actorId: r.actor_id,
      organisationId: r.organisation_id,
      custodianKind: r.custodian_kind,
      custodianId: r.custodian_id,
      place: r.place,
      data: r.data,
      prevHash: r.prev_hash,
    });
    if (expected !== r.hash) return broken(r.seq, 'entry content does not match its hash');
    prevHash = r.hash;
  }
  if (head && (head.history_seq !== rows.length || head.history_hash !== prevHash)) {
    return broken(rows.length + 1, 'the latest entries are missing');
  }
  return { itemId, intact: true, events: rows.length, firstBrokenSeq: null, reason: null };
}
