import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../actor.js';
import { Clock } from '../clock.js';
import { execute } from '../sql.js';

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

export interface ChainReport {
  itemId: string;
  intact: boolean;
  events: number;
  /** The first sequence number whose entry does not match; null when intact. */
  firstBrokenSeq: number | null;
  reason: string | null;
}

@Injectable()
export class HistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Appends one entry to each item's chain, inside the caller's transaction. The item row is
   * locked by the `UPDATE ... RETURNING`, so concurrent appends to one item queue up and each
   * gets the next sequence number; items are locked in id order so two transitions never deadlock.
   */
  async append(
    manager: EntityManager,
    itemIds: readonly string[],
    entry: HistoryEntry,
  ): Promise<void> {
    // The platform clock, as the states' stateEnteredAt: `at` also picks the month's partition.
    const at = this.clock.now().toISOString();
    const data = entry.data
      ? (JSON.parse(JSON.stringify(entry.data)) as Record<string, unknown>)
      : {};
    for (const itemId of [...new Set(itemIds)].sort()) {
      const { rows } = await execute<{ history_seq: number; history_hash: string }>(
        manager,
        'UPDATE items SET history_seq = history_seq + 1 WHERE id = $1 RETURNING history_seq, history_hash',
        [itemId],
      );
      const head = rows[0];
      if (!head) throw new Error(`History append for unknown item ${itemId}`);
      const fields: HashedFields = {
        itemId,
        seq: head.history_seq,
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
      await manager.query(
        `WITH ev AS (
           INSERT INTO item_events (item_id, seq, at, type, entity, entity_id, from_state, to_state,
             actor_role, actor_id, organisation_id, custodian_kind, custodian_id, place, data,
             prev_hash, hash)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17))
         UPDATE items SET history_hash = $17 WHERE id = $1`,
        [
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
        ],
      );
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
