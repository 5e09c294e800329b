import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { HistoryService } from '../core/history/history.service.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { OpenSupportCase, type RecyclingRequested } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { checkWeight } from './domain/settlement.js';
import type {
  HandOverLotDto,
  RecyclingLotFilter,
  SealLotDto,
  SettleLotDto,
} from './api/recycling.dto.js';
import type { RecyclingLot } from './data/recycling.entities.js';
import { RecyclingLotRepository } from './data/recycling-lot.repository.js';
import { RecyclingLotAccess, RecyclingLotMachine } from './domain/recycling-lot.machine.js';

type RequestedPayload = NonNullable<(typeof RecyclingRequested)['payload']>;

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
    private readonly lots: RecyclingLotRepository,
  ) {}

  /** Job: an item went to scrap; it joins the open lot of its warehouse (once). */
  async onRecyclingRequested(payload: RequestedPayload): Promise<void> {
    const item = await this.lots.findItem(payload.itemId);
    if (!item) throw new Error(`Item ${payload.itemId} not found`);
    const leaf = item.categoryId ? await this.catalog.getLeaf(item.categoryId) : null;
    await this.dataSource.transaction(async (m) => {
      const locked = await this.lots.lockItem(m, item.id);
      if (locked?.state !== 'AWAITING_RECYCLING') return; // the world moved on
      if (await this.lots.isGathered(m, item.id)) return;
      const warehouseId =
        payload.warehouseId ?? (locked.custodianKind === 'warehouse' ? locked.custodianId : null);
      if (!warehouseId) throw new Error(`Item ${item.id}: no warehouse to gather it in`);
      const lot = await this.openLot(m, warehouseId);
      await this.lots.addItem(m, {
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
    await this.lots.lockWarehouse(m, warehouseId);
    const open = await this.lots.findOpenLot(m, warehouseId);
    if (open) return open;
    const recyclerId = await this.lots.leastBusyRecyclerId(m);
    if (!recyclerId) throw new Error('No recycler partner (capabilities.recycles) is registered');
    // Two first items racing: one insert wins the unique open-lot index, the other job retries.
    return this.transitions.create(RecyclingLotMachine, {
      manager: m,
      actor: SYSTEM_ACTOR,
      values: { warehouseId, recyclerId, currency: 'CNY', discrepancyFlagged: false },
    });
  }

  async seal(actor: Actor, id: string, dto: SealLotDto) {
    await this.dataSource.transaction(async (m) => {
      const lot = await this.load(m, actor, id, true); // no item joins while it is sealed
      const sums = await this.lots.lotTotals(lot.id, m);
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
          const itemIds = await this.lots.lotItemIds(l.id, mm);
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
      const recyclerName = await this.lots.recyclerName(lot.recyclerId, m);
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
              memo: `recycling lot ${lot.id} settled by ${recyclerName ?? lot.recyclerId}`,
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
          const waiting = await this.lots.itemsAwaitingRecycling(mm, itemIds);
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
                recycler: recyclerName,
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
    const lot = await this.lots.findLot(id, { lock, manager: m });
    return RecyclingLotAccess.assertVisible(lot, actor, id);
  }

  async get(actor: Actor, id: string) {
    const lot = RecyclingLotAccess.assertVisible(await this.lots.findLot(id), actor, id);
    const items = await this.lots.lotItems(id);
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
    return mapPage(await this.lots.page(actor, filter), (l) =>
      withActions(RecyclingLotMachine, l, actor, lotView(l)),
    );
  }
}
