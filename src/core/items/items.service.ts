import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR } from '../actor.js';
import { NotFound, TransitionConflict } from '../errors.js';
import { HistoryService, type ChainReport } from '../history/history.service.js';
import { execute } from '../sql.js';
import { rowCodec } from '../state-machine/row-codec.js';
import { TransitionService } from '../state-machine/transition.service.js';
import type { OutboxJob } from '../jobs/job-definition.js';
import { Item, type CustodianKind, type ErasureStatus, type Grade } from './item.entity.js';
import { ItemAccess, ItemMachine, itemCustodyGuard, type ItemState } from './item.machine.js';
import type { OwnerRef, OwnershipPeriod } from './ownership.js';
import { newTraceCode, normaliseTraceCode } from './trace-code.js';

export interface NewItem {
  categoryId?: string | null;
  productModelId?: string | null;
  serialNumber?: string | null;
  imei?: string | null;
  vin?: string | null;
  declaredCondition?: Record<string, unknown>;
  ownerId?: string | null;
  custodian: { kind: CustodianKind; id: string | null };
  erasureStatus: ErasureStatus;
  state?: ItemState;
}

/**
 * Trace codes kept in memory, by item id: a code is set once when the item is registered and
 * never changes, and views name the items of every pickup and order they show. Bounded so the
 * API's memory stays flat (a code and its id take ~150 bytes).
 */
const TRACE_CODES = new LRUCache<string, string>({ max: 20_000 });

@Injectable()
export class ItemsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly history: HistoryService,
  ) {}

  /**
   * Registers a physical item with a fresh trace code, inside the caller's transaction. A trace
   * code collision (one in ~10^13) surfaces as a unique violation and the caller's request fails
   * cleanly; it is not retried here because a failed statement aborts the whole transaction.
   */
  async register(
    manager: EntityManager,
    actor: Actor,
    item: NewItem,
    recording: { data?: Record<string, unknown>; place?: string | null; jobs?: OutboxJob[] } = {},
  ): Promise<Item> {
    const created = await this.transitions.create(ItemMachine, {
      manager,
      actor,
      state: item.state,
      values: {
        traceCode: newTraceCode(),
        categoryId: item.categoryId ?? null,
        productModelId: item.productModelId ?? null,
        serialNumber: item.serialNumber ?? null,
        imei: item.imei ?? null,
        vin: item.vin ?? null,
        declaredCondition: item.declaredCondition ?? {},
        ownerId: item.ownerId ?? null,
        custodianKind: item.custodian.kind,
        custodianId: item.custodian.id,
        erasureStatus: item.erasureStatus,
      },
      custodian: item.custodian,
      ...recording,
    });
    // The first ownership period: the seller who declared it, or the platform's own stock.
    await manager.query(
      `INSERT INTO item_ownerships (item_id, owner_kind, owner_id, from_seq, from_at, cause)
       VALUES ($1, $2, $3, 0, now(), 'registered')`,
      [created.id, created.ownerId ? 'user' : 'platform', created.ownerId],
    );
    // Known now, so the view that answers this request does not read it back. Should the
    // transaction roll back, the entry names an id no item will ever have.
    TRACE_CODES.set(created.id, created.traceCode);
    return created;
  }

  /**
   * Passes title to the item to a new owner, inside the caller's transaction (issue 18): closes
   * the open period, opens the next and records `Item.ownership-transferred` in the history
   * (the boundary of both periods; its data names the kind of owner and the cause, never a
   * person). `items.owner_id` follows (null while the platform owns it). Idempotent: a transfer
   * to the current owner changes nothing.
   */
  async transferOwnership(
    manager: EntityManager,
    itemId: string,
    to: OwnerRef,
    cause: string,
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<void> {
    const [item] = await manager.query<Array<{ state: string; owner_id: string | null }>>(
      'SELECT state, owner_id FROM items WHERE id = $1 FOR UPDATE',
      [itemId],
    );
    if (!item) throw new NotFound('Item', itemId);
    const [open] = await manager.query<Array<{ owner_kind: string; owner_id: string | null }>>(
      'SELECT owner_kind, owner_id FROM item_ownerships WHERE item_id = $1 AND to_seq IS NULL',
      [itemId],
    );
    const current = open ?? {
      owner_kind: item.owner_id ? 'user' : 'platform',
      owner_id: item.owner_id,
    };
    if (current.owner_kind === to.kind && current.owner_id === to.id) return;
    await this.history.append(manager, [itemId], {
      type: 'Item.ownership-transferred',
      entity: ItemMachine.name,
      entityId: itemId,
      fromState: item.state,
      toState: item.state,
      actor,
      data: { from: current.owner_kind, to: to.kind, cause },
    });
    const [{ seq }] = await manager.query<Array<{ seq: number }>>(
      'SELECT history_seq AS seq FROM items WHERE id = $1',
      [itemId],
    );
    if (open) {
      await manager.query(
        `UPDATE item_ownerships SET to_seq = $2, to_at = now()
          WHERE item_id = $1 AND to_seq IS NULL`,
        [itemId, seq],
      );
    } else {
      // An item that never had a period (made outside register): its owner until now.
      await manager.query(
        `INSERT INTO item_ownerships (item_id, owner_kind, owner_id, from_seq, to_seq, from_at,
           to_at, cause)
         SELECT id, $2, owner_id, 0, $3, created_at, now(), 'registered' FROM items WHERE id = $1`,
        [itemId, current.owner_kind, seq],
      );
    }
    await manager.query(
      `INSERT INTO item_ownerships (item_id, owner_kind, owner_id, from_seq, from_at, cause)
       VALUES ($1, $2, $3, $4, now(), $5)`,
      [itemId, to.kind, to.id, seq, cause],
    );
    await manager.query('UPDATE items SET owner_id = $2, updated_at = now() WHERE id = $1', [
      itemId,
      to.id,
    ]);
  }

  /** Who owned the item first (the seller who declared it); null for the platform's own stock. */
  async firstOwnerId(itemId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<Array<{ owner_id: string | null }>>(
      `SELECT owner_id FROM item_ownerships WHERE item_id = $1 ORDER BY from_seq, created_at
        LIMIT 1`,
      [itemId],
    );
    if (row) return row.owner_id;
    const [item] = await this.dataSource.query<Array<{ owner_id: string | null }>>(
      'SELECT owner_id FROM items WHERE id = $1',
      [itemId],
    );
    return item?.owner_id ?? null;
  }

  /** The item's ownership periods in order (staff views). */
  async ownerships(itemId: string): Promise<OwnershipPeriod[]> {
    const rows = await this.dataSource.query<
      Array<{
        owner_kind: OwnershipPeriod['ownerKind'];
        owner_id: string | null;
        from_seq: number;
        to_seq: number | null;
        from_at: Date;
        to_at: Date | null;
        cause: string;
      }>
    >(
      `SELECT owner_kind, owner_id, from_seq, to_seq, from_at, to_at, cause
         FROM item_ownerships WHERE item_id = $1 ORDER BY from_seq, created_at`,
      [itemId],
    );
    return rows.map((r) => ({
      ownerKind: r.owner_kind,
      ownerId: r.owner_id,
      fromSeq: r.from_seq,
      toSeq: r.to_seq,
      fromAt: r.from_at,
      toAt: r.to_at,
      cause: r.cause,
    }));
  }

  /**
   * Moves custody of items, inside the caller's transaction. The stage records the hand-over in
   * its own transition (whose history entry names the new custodian); this keeps the item row
   * in step for steps that change who holds an item without changing its state.
   */
  async setCustodian(
    manager: EntityManager,
    itemIds: readonly string[],
    custodian: { kind: CustodianKind; id: string | null },
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<void> {
    if (itemIds.length === 0) return;
    // One statement locks the rows in id order, hands them over and returns them as they were
    // before (issue 27: one round trip less). The item machine's custody guard then decides
    // every hand-off (issue 17); a refusal throws, and the caller's transaction rolls it back.
    const codec = rowCodec(manager, Item)!;
    const { rows } = await execute(
      manager,
      `UPDATE items i SET custodian_kind = $1, custodian_id = $2, updated_at = now()
         FROM (SELECT ${codec.selectList} FROM items WHERE id = ANY($3::uuid[])
                ORDER BY id FOR UPDATE) before
        WHERE i.id = before.id
        RETURNING before.*`,
      [custodian.kind, custodian.id, itemIds],
    );
    const held = rows
      .map((r) => codec.fromRow(manager, r))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const item of held) {
      const decision = await itemCustodyGuard(manager, item, custodian);
      if (decision.refusal) {
        throw new TransitionConflict(`Cannot hand over: ${decision.refusal}`, {
          entity: ItemMachine.name,
          state: item.state,
          version: item.version,
          allowedActions: [],
        });
      }
      if (decision.data) {
        await this.history.append(manager, [item.id], {
          type: 'Item.custody-erasure-delegated',
          entity: ItemMachine.name,
          entityId: item.id,
          fromState: item.state,
          toState: item.state,
          actor,
          custodian,
          data: decision.data,
        });
      }
    }
  }

  /**
   * The item's erasure status, which erasure derives from its media and certificates. Not the
   * item's state, but the item machine's gate reads it (allocate/list/sell, custody): the
   * version is raised so that a transition that read the old status fails with 409 instead of
   * slipping through while a certificate is revoked. Returns whether it changed.
   */
  async setErasureStatus(
    manager: EntityManager,
    itemId: string,
    status: ErasureStatus,
  ): Promise<boolean> {
    const { affected } = await execute(
      manager,
      `UPDATE items SET erasure_status = $2, version = version + 1, updated_at = now()
        WHERE id = $1 AND erasure_status <> $2`,
      [itemId, status],
    );
    return affected > 0;
  }

  /**
   * The grade an inspection gave the item, inside the inspection's transaction (its history
   * entry records the report; a repair's re-grade goes through the item's own transition).
   */
  async setGrade(manager: EntityManager, itemId: string, grade: Grade): Promise<void> {
    await manager.query('UPDATE items SET grade = $1, updated_at = now() WHERE id = $2', [
      grade,
      itemId,
    ]);
  }

  async get(actor: Actor, id: string): Promise<Item> {
    const item = await this.dataSource.getRepository(Item).findOne({ where: { id } });
    return ItemAccess.assertVisible(item, actor, id);
  }

  /** The trace codes of these items (an unknown id is left out), from memory where it can. */
  async traceCodes(ids: readonly string[]): Promise<Map<string, string>> {
    const codes = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const code = TRACE_CODES.get(id);
      if (code) codes.set(id, code);
      else missing.push(id);
    }
    if (missing.length) {
      const rows = await this.dataSource.query<Array<{ id: string; trace_code: string }>>(
        'SELECT id, trace_code FROM items WHERE id = ANY($1::uuid[])',
        [missing],
      );
      for (const row of rows) {
        TRACE_CODES.set(row.id, row.trace_code);
        codes.set(row.id, row.trace_code);
      }
    }
    return codes;
  }

  /** Public lookup by trace code (a mistyped code is simply not found). */
  async findByTraceCode(code: string): Promise<Item | null> {
    const normalised = normaliseTraceCode(code);
    if (!normalised) return null;
    return this.dataSource.getRepository(Item).findOne({ where: { traceCode: normalised } });
  }

  verifyHistory(itemId: string): Promise<ChainReport> {
    return this.history.verify(itemId);
  }
}
