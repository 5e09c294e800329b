import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Organisation } from '../accounts/organisation.entity.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { HistoryService } from '../core/history/history.service.js';
import { mapPage, paginate } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { OpenSupportCase, type RecyclingRequested } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { checkWeight } from './engine/settlement.js';
import type {
  HandOverLotDto,
  RecyclingLotFilter,
  SealLotDto,
  SettleLotDto,
} from './recycling.dto.js';
import { RecyclingLot, RecyclingLotItem } from './recycling.entities.js';
import { RecyclingLotAccess, RecyclingLotMachine } from './recycling-lot.machine.js';

type RequestedPayload = NonNullable<(typeof RecyclingRequested)['payload']>;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

export function lotView(lot: RecyclingLot) {
  const money = (v: number | null) =>
    v === null ? null : { amountMinor: v, currency: lot.currency };
  return {
    id: lot.id,
    warehouseId: lot.warehouseId,
    recyclerId: lot.recyclerId,
    itemCount: lot.itemCount,
    estimatedWeightGrams: lot.estimatedWeightGrams,
    sealed: lot.sealedAt
      ? {
          at: lot.sealedAt,
          by: lot.sealedBy,
          weightGrams: lot.declaredWeightGrams,
          sealNumber: lot.sealNumber,
        }
      : null,
    handoff: lot.handoff,
    handedOverAt: lot.handedOverAt,
    settlement: lot.settledAt
      ? {
          at: lot.settledAt,
          by: lot.settledBy,
          weightGrams: lot.reportedWeightGrams,
          value: money(lot.reportedValueMinor),
          expectedValue: money(lot.expectedValueMinor),
          certificate: { kind: lot.certificateKind, reference: lot.certificateRef },
          weightDiscrepancyShare: lot.weightDiscrepancyShare,
          flaggedForReview: lot.discrepancyFlagged,
        }
      : null,
    createdAt: lot.createdAt,
  };
}

/**
 * Stage: recycling (spec §1, §3). Gathers scrap items of a warehouse into the open lot of a
 * recycler; the warehouse seals it (count and weight) and hands it over against the recycler's
 * signature; the recycler settles with its weight, value and certificate, which ends each item's
 * history. A weight off by more than the tolerance opens a support case for review.
 */
@Injectable()
export class RecyclingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly history: HistoryService,
    private readonly catalog: CatalogService,
    private readonly items: ItemsService,
    private readonly ledger: LedgerService,
  ) {}

  /** Job: an item went to scrap; it joins the open lot of its warehouse (once). */
  async onRecyclingRequested(payload: RequestedPayload): Promise<void> {
    const item = await this.dataSource
      .getRepository(Item)
      .findOne({ where: { id: payload.itemId } });
    if (!item) throw new Error(`Item ${payload.itemId} not found`);
    const leaf = item.categoryId ? await this.catalog.getLeaf(item.categoryId) : null;
    await this.dataSource.transaction(async (m) => {
      const locked = await m
        .getRepository(Item)
        .findOne({ where: { id: item.id }, lock: { mode: 'pessimistic_write' } });
      if (locked?.state !== 'AWAITING_RECYCLING') return; // the world moved on
      if (await m.getRepository(RecyclingLotItem).exists({ where: { itemId: item.id } })) return;
      const warehouseId =
        payload.warehouseId ?? (locked.custodianKind === 'warehouse' ? locked.custodianId : null);
      if (!warehouseId) throw new Error(`Item ${item.id}: no warehouse to gather it in`);
      const lot = await this.openLot(m, warehouseId);
      await m.getRepository(RecyclingLotItem).insert({
        lotId: lot.id,
        itemId: item.id,
        weightGrams: leaf?.typicalWeightGrams ?? 0,
        scrapValueMinor: leaf?.scrapValueMinor ?? 0,
        reason: payload.reason,
        addedAt: new Date(),
      });
      await this.history.append(m, [item.id], {
        type: 'RecyclingLot.item-added',
        entity: RecyclingLotMachine.name,
        entityId: lot.id,
        fromState: null,
        toState: lot.state,
        actor: SYSTEM_ACTOR,
        data: { lotId: lot.id, recyclerId: lot.recyclerId, reason: payload.reason },
      });
    });
  }

  /** The warehouse's open lot (locked), or a new one for the recycler with the fewest lots. */
  private async openLot(m: EntityManager, warehouseId: string): Promise<RecyclingLot> {
    // One item at a time per warehouse: otherwise two first items could open lots for two
    // different recyclers at once (the unique index only stops two for the same recycler).
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('recycling-lot:' || $1))`, [warehouseId]);
    const open = await m.getRepository(RecyclingLot).findOne({
      where: { warehouseId, state: 'OPEN' },
      order: { createdAt: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    if (open) return open;
    const recyclers = await m.query<Array<{ id: string }>>(
      `SELECT o.id FROM organisations o
        WHERE o.kind = 'partner' AND o.capabilities -> 'recycles' = 'true'::jsonb
        ORDER BY (SELECT count(*) FROM recycling_lots l
                   WHERE l.recycler_id = o.id AND l.state <> 'SETTLED'), o.created_at, o.id
        LIMIT 1`,
    );
    const recycler = recyclers[0];
    if (!recycler) throw new Error('No recycler partner (capabilities.recycles) is registered');
    // Two first items racing: one insert wins the unique open-lot index, the other job retries.
    return this.transitions.create(RecyclingLotMachine, {
      manager: m,
      actor: SYSTEM_ACTOR,
      values: { warehouseId, recyclerId: recycler.id, currency: 'CNY', discrepancyFlagged: false },
    });
  }

  async seal(actor: Actor, id: string, dto: SealLotDto) {
    await this.dataSource.transaction(async (m) => {
      const lot = await this.load(m, actor, id, true); // no item joins while it is sealed
      const [sums] = await m.query<Array<{ n: number; grams: number; value: number }>>(
        `SELECT count(*)::int AS n, coalesce(sum(weight_grams), 0)::int AS grams,
                coalesce(sum(scrap_value_minor), 0)::int AS value
           FROM recycling_lot_items WHERE lot_id = $1`,
        [lot.id],
      );
      await this.transitions.apply(RecyclingLotMachine, {
        manager: m,
        id,
        action: 'seal',
        actor,
        expectedVersion: dto.version,
        patch: {
          itemCount: sums.n,
          estimatedWeightGrams: sums.grams,
          expectedValueMinor: sums.value,
          declaredWeightGrams: dto.weightGrams,
          sealNumber: dto.sealNumber ?? null,
          sealedAt: new Date(),
          sealedBy: actor.userId,
        },
        data: {
          lotId: lot.id,
          recyclerId: lot.recyclerId,
          itemCount: sums.n,
          weightGrams: dto.weightGrams,
          sealNumber: dto.sealNumber ?? null,
        },
      });
    });
    return this.get(actor, id);
  }

  /** The recycler's person takes the sealed lot and signs; custody passes to the recycler. */
  async handOver(actor: Actor, id: string, dto: HandOverLotDto) {
    await this.dataSource.transaction(async (m) => {
      const lot = await this.load(m, actor, id);
      const at = new Date();
      const signatureHash = createHash('sha256')
        .update(
          JSON.stringify([
            lot.id,
            lot.itemCount,
            lot.declaredWeightGrams,
            lot.sealNumber,
            dto.signedByName,
            dto.signature,
            at.toISOString(),
          ]),
        )
        .digest('hex');
      const handoff = {
        signedByName: dto.signedByName.trim(),
        signatureHash,
        recordedBy: actor.userId,
        recordedByRole: actor.role,
        at: at.toISOString(),
      };
      await this.transitions.apply(RecyclingLotMachine, {
        manager: m,
        id,
        action: 'hand-over',
        actor,
        expectedVersion: dto.version,
        patch: { handoff, handedOverAt: at },
        custodian: { kind: 'recycler', id: lot.recyclerId },
        data: {
          lotId: lot.id,
          recyclerId: lot.recyclerId,
          signedByName: handoff.signedByName,
          signatureHash,
        },
        effects: async (mm, l) => {
          const rows = await mm.query<Array<{ item_id: string }>>(
            'SELECT item_id FROM recycling_lot_items WHERE lot_id = $1',
            [l.id],
          );
          const itemIds = rows.map((r) => r.item_id);
          await this.items.setCustodian(mm, itemIds, { kind: 'recycler', id: l.recyclerId });
        },
      });
    });
    return this.get(actor, id);
  }

  /**
   * The recycler reports its weight, value and certificate: the lot settles, each item ends as
   * recycled (or destroyed) with the recycler, the lot and the certificate in its history, and a
   * weight off by more than the tolerance is flagged and opens a support case.
   */
  async settle(actor: Actor, id: string, dto: SettleLotDto) {
    await this.dataSource.transaction(async (m) => {
      const lot = await this.load(m, actor, id, true);
      const check = lot.declaredWeightGrams
        ? checkWeight(lot.declaredWeightGrams, dto.weightGrams)
        : null;
      const recycler = await m
        .getRepository(Organisation)
        .findOne({ where: { id: lot.recyclerId } });
      const itemIds = await RecyclingLotMachine.itemIds(lot, m);
      const flagged = check?.flagged ?? false;
      const now = new Date();
      await this.transitions.apply(RecyclingLotMachine, {
        manager: m,
        id,
        action: 'settle',
        actor,
        expectedVersion: dto.version,
        patch: {
          reportedWeightGrams: dto.weightGrams,
          reportedValueMinor: dto.valueMinor,
          certificateKind: dto.certificateKind,
          certificateRef: dto.certificateRef.trim(),
          weightDiscrepancyShare: check?.discrepancyShare ?? null,
          discrepancyFlagged: flagged,
          settledAt: now,
          settledBy: actor.userId,
        },
        data: {
          lotId: lot.id,
          recyclerId: lot.recyclerId,
          weightGrams: dto.weightGrams,
          valueMinor: dto.valueMinor,
          weightDiscrepancyShare: check?.discrepancyShare ?? null,
          discrepancyFlagged: flagged,
        },
        jobs: flagged
          ? [
              job(OpenSupportCase, {
                kind: 'weight-discrepancy',
                dedupeKey: `weight-discrepancy:${lot.id}`,
                summary: `Recycling lot ${lot.id}: recycler weighed ${dto.weightGrams} g, sealed at ${lot.declaredWeightGrams} g (${Math.round((check?.discrepancyShare ?? 0) * 1000) / 10} % off)`,
                itemIds,
                orderRef: null,
                customerId: null,
                detail: {
                  lotId: lot.id,
                  warehouseId: lot.warehouseId,
                  recyclerId: lot.recyclerId,
                  declaredWeightGrams: lot.declaredWeightGrams,
                  reportedWeightGrams: dto.weightGrams,
                  discrepancyShare: check?.discrepancyShare ?? null,
                  reportedValueMinor: dto.valueMinor,
                  expectedValueMinor: lot.expectedValueMinor,
                },
              }),
            ]
          : [],
        effects: async (mm) => {
          if (dto.valueMinor > 0) {
            // The recycler owes what it reported paying for the lot.
            await this.ledger.post(mm, {
              kind: 'recycler-settlement',
              key: `recycler-settlement:${lot.id}`,
              ref: { kind: 'recycling-lot', id: lot.id },
              memo: `recycling lot ${lot.id} settled by ${recycler?.name ?? lot.recyclerId}`,
              currency: lot.currency,
              lines: [
                {
                  account: account.recyclerReceivable(lot.recyclerId),
                  amountMinor: dto.valueMinor,
                },
                { account: account.recyclingRevenue(), amountMinor: -dto.valueMinor },
              ],
            });
          }
          const waiting = await mm
            .getRepository(Item)
            .createQueryBuilder('i')
            .where('i.id IN (:...ids)', { ids: itemIds.length ? itemIds : [NIL_UUID] })
            .andWhere("i.state = 'AWAITING_RECYCLING'")
            .getMany();
          for (const item of waiting) {
            // The platform closes the item's journey on the recycler's report (the ItemMachine
            // lets the system, not a partner's technician, recycle or destroy).
            await this.transitions.apply(ItemMachine, {
              manager: mm,
              id: item.id,
              action: dto.certificateKind === 'destruction' ? 'destroy' : 'recycle',
              actor: SYSTEM_ACTOR,
              checkAccess: false,
              patch: { custodianKind: 'recycler', custodianId: lot.recyclerId },
              custodian: { kind: 'recycler', id: lot.recyclerId },
              data: {
                recyclerId: lot.recyclerId,
                recycler: recycler?.name ?? null,
                lotId: lot.id,
                outcome: dto.certificateKind,
                certificateNumber: dto.certificateRef.trim(),
                reportedBy: actor.userId,
              },
            });
          }
        },
      });
    });
    return this.get(actor, id);
  }

  // ---- reads --------------------------------------------------------------------------------

  private async load(m: EntityManager, actor: Actor, id: string, lock = false) {
    const lot = await m
      .getRepository(RecyclingLot)
      .findOne({ where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' } } : {}) });
    return RecyclingLotAccess.assertVisible(lot, actor, id);
  }

  async get(actor: Actor, id: string) {
    const lot = await this.load(this.dataSource.manager, actor, id);
    const items = await this.dataSource.query<
      Array<{
        item_id: string;
        trace_code: string;
        state: string;
        weight_grams: number;
        scrap_value_minor: number;
        reason: string;
        added_at: Date;
      }>
    >(
      `SELECT li.item_id, i.trace_code, i.state, li.weight_grams, li.scrap_value_minor, li.reason,
              li.added_at
         FROM recycling_lot_items li JOIN items i ON i.id = li.item_id
        WHERE li.lot_id = $1 ORDER BY li.added_at, li.item_id`,
      [id],
    );
    return withActions(RecyclingLotMachine, lot, actor, {
      ...lotView(lot),
      items: items.map((r) => ({
        itemId: r.item_id,
        traceCode: r.trace_code,
        state: r.state,
        weightGrams: r.weight_grams,
        scrapValue: { amountMinor: r.scrap_value_minor, currency: lot.currency },
        reason: r.reason,
        addedAt: r.added_at,
      })),
    });
  }

  async list(actor: Actor, filter: RecyclingLotFilter) {
    const qb = this.dataSource.getRepository(RecyclingLot).createQueryBuilder('l');
    RecyclingLotAccess.restrict(qb, actor, 'l');
    if (filter.state) qb.andWhere('l.state = :state', { state: filter.state });
    if (filter.warehouseId) qb.andWhere('l.warehouse_id = :w', { w: filter.warehouseId });
    if (filter.recyclerId) qb.andWhere('l.recycler_id = :r', { r: filter.recyclerId });
    return mapPage(await paginate(qb, filter), (l) =>
      withActions(RecyclingLotMachine, l, actor, lotView(l)),
    );
  }
}
