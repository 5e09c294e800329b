import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { stateConflict } from '../core/errors.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import {
  ItemReceived,
  OpenSupportCase,
  type ParcelDelivered,
  ReceivingExceptionRaised,
  StartErasure,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { isLeaf } from '../catalog/data/category.entity.js';
import type { ReceiveParcelDto } from './api/receiving.dto.js';
import type { Parcel } from './data/parcel.entity.js';
import { ParcelRepository } from './data/parcel.repository.js';
import type { ReceivingExceptionKind } from './data/receiving-exception.entity.js';
import { ParcelMachine } from './domain/parcel.machine.js';
import { normaliseSeal } from './domain/seal.js';
import { InspectionsService } from './inspections.service.js';
import { ParcelsService } from './parcels.service.js';

interface Findings {
  sealRead: string | null;
  sealIntact: boolean;
  scannedItemIds: string[];
  unexpected: Array<{ code: string; itemId: string | null }>;
  version?: number;
}

interface Problem {
  kind: ReceivingExceptionKind;
  itemId: string | null;
  code: string | null;
  detail: string;
}

/**
 * Receiving (spec §1, §3): a delivered parcel is expected at its warehouse; staff of that
 * warehouse scan the seal and the items; a clean match moves custody to the warehouse, anything
 * else is recorded as an exception for support and freezes the owner's payout for the item.
 * Reads and labels are ParcelsService.
 */
@Injectable()
export class ReceivingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly parcels: ParcelRepository,
    private readonly transitions: TransitionService,
    private readonly outbox: OutboxService,
    private readonly catalog: CatalogService,
    private readonly inspections: InspectionsService,
    private readonly reads: ParcelsService,
  ) {}

  /** The ParcelDelivered job: one expected parcel per pickup, however often the job runs. */
  async onParcelDelivered(payload: JobPayload<typeof ParcelDelivered>): Promise<void> {
    if (await this.parcels.existsForPickup(payload.pickupId)) return;
    const kind = await this.parcels.organisationKind(payload.warehouseId);
    if (kind !== 'warehouse' && kind !== 'store') {
      throw new Error(
        `Parcel for pickup ${payload.pickupId}: ${payload.warehouseId} is no warehouse`,
      );
    }
    const sealNumber = normaliseSeal(payload.sealNumber);
    await this.transitions.create(ParcelMachine, {
      actor: SYSTEM_ACTOR,
      values: {
        pickupId: payload.pickupId,
        warehouseId: payload.warehouseId,
        sealNumber,
        itemIds: [...new Set(payload.itemIds)],
        source: payload.source,
        deliveredAt: new Date(payload.deliveredAt),
        scannedItemIds: [],
        unexpectedCodes: [],
      },
      place: payload.warehouseId,
      data: {
        pickupId: payload.pickupId,
        warehouseId: payload.warehouseId,
        sealed: sealNumber !== null,
      },
    });
  }

  /**
   * One keyboard-wedge scan: a seal number or a trace code of a parcel expected in the actor's
   * warehouse. The scan is recorded on the parcel; the scan that completes a clean match (seal
   * read as recorded, every item scanned) receives the parcel.
   */
  async scan(actor: Actor, code: string) {
    const warehouseId = actor.organisationId;
    if (!warehouseId) throw new NotFoundException('Scanning needs a warehouse');
    const { matched, received, parcel } = await this.dataSource.transaction(async (manager) => {
      const seal = normaliseSeal(code);
      let matched: { kind: 'seal' } | { kind: 'item'; itemId: string; traceCode: string };
      let current: Parcel;
      let scanned: Item | undefined;
      let parcel = seal ? await this.parcels.expectedBySeal(manager, warehouseId, seal) : null;
      if (parcel && seal) {
        current = await this.parcels.recordSealRead(manager, parcel.id, seal);
        matched = { kind: 'seal' };
      } else {
        const traceCode = normaliseTraceCode(code);
        const item = traceCode ? await this.parcels.itemByTraceCode(manager, traceCode) : null;
        parcel = item ? await this.parcels.expectedWithItem(manager, warehouseId, item.id) : null;
        if (!item || !parcel) {
          throw new NotFoundException(
            `Nothing expected in this warehouse matches "${code.trim()}"`,
          );
        }
        current = await this.parcels.recordItemScan(manager, parcel.id, item.id);
        matched = { kind: 'item', itemId: item.id, traceCode: item.traceCode };
        scanned = item;
      }
      const complete =
        current.state === 'EXPECTED' &&
        (current.sealNumber === null || current.sealRead === current.sealNumber) &&
        current.itemIds.every((id) => current.scannedItemIds.includes(id));
      if (complete) {
        current = await this.close(
          manager,
          actor,
          current,
          {
            sealRead: current.sealRead,
            sealIntact: true,
            scannedItemIds: current.scannedItemIds,
            unexpected: [],
          },
          scanned,
        );
      }
      return {
        matched,
        received: complete,
        parcel: await this.reads.view(actor, current, manager),
      };
    });
    // Named here, in ReceivingService.scan, the response keeps its OpenAPI schema (ReceivingScan).
    return { matched, received, parcel };
  }

  /** Closes the parcel with what was found (explicitly, or what the scans recorded). */
  async receive(actor: Actor, id: string, dto: ReceiveParcelDto) {
    return this.dataSource.transaction(async (manager) => {
      const parcel = await this.reads.load(manager, actor, id);
      if (parcel.state !== 'EXPECTED') {
        throw stateConflict(
          ParcelMachine,
          parcel,
          actor,
          `Parcel ${parcel.id} is ${parcel.state} already`,
        );
      }
      let scannedItemIds = parcel.scannedItemIds;
      const unexpected: Findings['unexpected'] = [];
      if (dto.traceCodes) {
        scannedItemIds = [];
        for (const raw of dto.traceCodes) {
          const traceCode = normaliseTraceCode(raw);
          const item = traceCode ? await this.parcels.itemByTraceCode(manager, traceCode) : null;
          if (item && parcel.itemIds.includes(item.id)) {
            if (!scannedItemIds.includes(item.id)) scannedItemIds.push(item.id);
          } else if (!unexpected.some((u) => u.code === (traceCode ?? raw.trim()))) {
            unexpected.push({ code: traceCode ?? raw.trim(), itemId: item?.id ?? null });
          }
        }
      }
      const closed = await this.close(manager, actor, parcel, {
        sealRead: dto.sealNumber !== undefined ? normaliseSeal(dto.sealNumber) : parcel.sealRead,
        sealIntact: dto.sealIntact ?? true,
        scannedItemIds,
        unexpected,
        version: dto.version,
      });
      return this.reads.view(actor, closed, manager);
    });
  }

  /**
   * The decision. Items found and expected are received (custody to the warehouse, queued for
   * inspection, erasure requested) even when the parcel has a problem: they are physically here.
   * A seal problem taints every item of the parcel, so each gets an exception (payout frozen);
   * a missing item stays IN_TRANSIT with an exception; an unexpected one is only recorded.
   */
  private async close(
    manager: EntityManager,
    actor: Actor,
    parcel: Parcel,
    found: Findings,
    /** An item this transaction read already (the scan's), not read again. */
    known?: Item,
  ): Promise<Parcel> {
    const scanned = new Set(found.scannedItemIds);
    const present = parcel.itemIds.filter((id) => scanned.has(id));
    const missing = parcel.itemIds.filter((id) => !scanned.has(id));
    const problems: Problem[] = [];
    let sealProblem: 'broken-seal' | 'seal-mismatch' | null = null;
    if (parcel.sealNumber !== null) {
      if (!found.sealIntact) sealProblem = 'broken-seal';
      else if (found.sealRead !== parcel.sealNumber) sealProblem = 'seal-mismatch';
    }
    if (sealProblem) {
      const detail =
        sealProblem === 'broken-seal'
          ? 'The tamper-evident bag arrived torn or opened'
          : found.sealRead
            ? `Seal read "${found.sealRead}" does not match the seal recorded at collection`
            : 'No seal number could be read on the bag';
      for (const itemId of present.length ? present : [null]) {
        problems.push({ kind: sealProblem, itemId, code: found.sealRead, detail });
      }
    }
    for (const itemId of missing) {
      problems.push({
        kind: 'missing-item',
        itemId,
        code: null,
        detail: 'Expected in the parcel but not found',
      });
    }
    for (const u of found.unexpected) {
      problems.push({
        kind: 'unexpected-item',
        itemId: u.itemId,
        code: u.code,
        detail: u.itemId
          ? 'An item of another shipment was in the parcel'
          : 'An unknown code was in the parcel',
      });
    }

    const now = new Date();
    const closed = await this.transitions.apply(ParcelMachine, {
      manager,
      id: parcel.id,
      current: parcel,
      action: problems.length === 0 ? 'receive' : 'receive-with-exceptions',
      actor,
      expectedVersion: found.version,
      patch: {
        sealRead: found.sealRead,
        sealIntact: parcel.sealNumber === null ? null : found.sealIntact,
        scannedItemIds: found.scannedItemIds,
        unexpectedCodes: found.unexpected.map((u) => u.code),
        receivedBy: actor.userId,
        receivedAt: now,
      },
      place: parcel.warehouseId,
      data: {
        pickupId: parcel.pickupId,
        sealRead: found.sealRead,
        sealProblem,
        received: present,
        missing,
        unexpected: found.unexpected.map((u) => u.code),
      },
    });

    const owners = new Map<string, string | null>();
    for (const itemId of present) {
      const item = known?.id === itemId ? known : await this.parcels.itemOrFail(manager, itemId);
      owners.set(item.id, item.ownerId);
      const category = item.categoryId
        ? await this.catalog.getCategory(item.categoryId).catch(() => null)
        : null;
      const fromBuyer = item.state === 'RETURN_IN_TRANSIT';
      // A buyer's return may hold the buyer's data again: wipe it once more.
      const needsErasure =
        category !== null &&
        isLeaf(category) &&
        category.requiresErasure &&
        (fromBuyer || item.erasureStatus === 'pending' || item.erasureStatus === 'not_required');
      await this.transitions.apply(ItemMachine, {
        manager,
        id: item.id,
        current: item,
        action: 'receive',
        actor,
        checkAccess: false,
        custodian: { kind: 'warehouse', id: parcel.warehouseId },
        place: parcel.warehouseId,
        patch: {
          custodianKind: 'warehouse',
          custodianId: parcel.warehouseId,
          ...(needsErasure ? { erasureStatus: 'pending' as const } : {}),
        },
        data: {
          parcelId: parcel.id,
          pickupId: parcel.pickupId,
          exceptions: problems.filter((p) => p.itemId === item.id).map((p) => p.kind),
        },
        jobs: [
          job(ItemReceived, {
            itemId: item.id,
            warehouseId: parcel.warehouseId,
            parcelId: parcel.id,
          }),
          ...(needsErasure
            ? [
                job(StartErasure, {
                  itemId: item.id,
                  at: 'warehouse' as const,
                  organisationId: parcel.warehouseId,
                  requestedBy: actor.userId,
                }),
              ]
            : []),
        ],
      });
      await this.inspections.open(
        manager,
        actor,
        item.id,
        parcel.warehouseId,
        fromBuyer ? 'returned by the buyer' : null,
        parcel.source,
      );
    }

    if (problems.length > 0) {
      const jobs: OutboxJob[] = [];
      for (const p of problems) {
        const row = await this.parcels.saveException(manager, {
          parcelId: parcel.id,
          warehouseId: parcel.warehouseId,
          kind: p.kind,
          itemId: p.itemId,
          code: p.code,
          detail: p.detail,
          reportedBy: actor.userId,
        });
        jobs.push(
          job(ReceivingExceptionRaised, {
            exceptionId: row.id,
            kind: p.kind,
            itemId: p.itemId,
            parcelId: parcel.id,
            warehouseId: parcel.warehouseId,
            detail: p.detail,
          }),
        );
      }
      const itemIds = [
        ...new Set(problems.map((p) => p.itemId).filter((i): i is string => i !== null)),
      ];
      let customerId: string | null = null;
      for (const itemId of parcel.itemIds) {
        customerId ??= owners.get(itemId) ?? null;
      }
      if (customerId === null && parcel.itemIds.length > 0) {
        customerId = await this.parcels.anyOwner(manager, parcel.itemIds);
      }
      jobs.push(
        job(OpenSupportCase, {
          kind: sealProblem ? 'seal-mismatch' : 'receiving-exception',
          dedupeKey: `receiving:${parcel.id}`,
          summary: `Receiving exception on parcel of pickup ${parcel.pickupId}: ${[
            ...new Set(problems.map((p) => p.kind)),
          ].join(', ')}`,
          itemIds,
          orderRef: parcel.source,
          customerId,
          detail: {
            parcelId: parcel.id,
            pickupId: parcel.pickupId,
            warehouseId: parcel.warehouseId,
            exceptions: problems.map((p) => ({ kind: p.kind, itemId: p.itemId, code: p.code })),
          },
        }),
      );
      await this.outbox.write(manager, jobs);
    }
    return closed;
  }
}
