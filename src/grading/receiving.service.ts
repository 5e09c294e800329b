import { ParcelAccess } from './domain/access.js';
import { ParcelRepository } from './data/parcel.repository.js';
import { normaliseSeal } from './domain/seal.js';
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { type CjkFont, openCjkFont } from '../config/cjk-font.js';
import { renderLabelsPdf, type TraceLabel } from './domain/labels-pdf.js';
import { NotFound, stateConflict } from '../core/errors.js';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, seesEverything, SYSTEM_ACTOR } from '../core/actor.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import {
  ItemReceived,
  OpenSupportCase,
  type ParcelDelivered,
  ReceivingExceptionRaised,
  StartErasure,
} from '../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import { isLeaf } from '../catalog/category.entity.js';
import { InspectionsService } from './inspections.service.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import type { Parcel } from './data/parcel.entity.js';
import { ParcelMachine } from './domain/parcel.machine.js';
import type {
  LabelsDto,
  ParcelQuery,
  ReceiveParcelDto,
  ReceivingExceptionQuery,
} from './api/receiving.dto.js';
import type {
  ReceivingException,
  ReceivingExceptionKind,
} from './data/receiving-exception.entity.js';

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

export function exceptionView(e: ReceivingException) {
  return {
    id: e.id,
    parcelId: e.parcelId,
    warehouseId: e.warehouseId,
    kind: e.kind,
    itemId: e.itemId,
    code: e.code,
    detail: e.detail,
    reportedBy: e.reportedBy,
    createdAt: e.createdAt,
  };
}

/**
 * Receiving (spec §1, §3): a delivered parcel is expected at its warehouse; staff of that
 * warehouse scan the seal and the items; a clean match moves custody to the warehouse, anything
 * else is recorded as an exception for support and freezes the owner's payout for the item.
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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The label font (the certificates' CJK font), parsed once on first use. */
  private labelFont?: Promise<CjkFont | undefined>;

  private font(): Promise<CjkFont | undefined> {
    const path = this.config.erasure.certificateFont;
    this.labelFont ??= path ? openCjkFont(path) : Promise.resolve(undefined);
    this.labelFont.catch(() => (this.labelFont = undefined));
    return this.labelFont;
  }

  /**
   * Trace-code labels as one PDF, one label per page, for a parcel's items and/or chosen items.
   * Warehouse staff print labels for items their warehouse holds or expects in a parcel; any
   * other item, or another warehouse's parcel, is 404 (ids do not leak).
   */
  async labels(actor: Actor, dto: LabelsDto): Promise<Buffer> {
    const manager = this.dataSource.manager;
    const ids: string[] = [];
    if (dto.parcelId) ids.push(...(await this.load(manager, actor, dto.parcelId)).itemIds);
    for (const id of dto.itemIds ?? []) if (!ids.includes(id)) ids.push(id);
    if (ids.length === 0) {
      throw new BadRequestException({
        message: 'Name the items to label: itemIds, or a parcelId with items',
        fields: [{ field: 'itemIds', errors: ['at least one item or a parcel with items'] }],
      });
    }
    if (ids.length > 200) {
      throw new BadRequestException({
        message: 'At most 200 labels in one print',
        fields: [{ field: 'itemIds', errors: ['at most 200 labels'] }],
      });
    }
    const rows = await this.parcels.labelRows(
      ids,
      seesEverything(actor) ? null : (actor.organisationId ?? null),
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const labels: TraceLabel[] = ids.map((id) => {
      const r = byId.get(id);
      if (!r || !(seesEverything(actor) || r.mine)) throw new NotFound('Item', id);
      const what = [
        r.brand && r.model ? `${r.brand} ${r.model}` : null,
        r.category_zh ?? r.category,
      ]
        .filter(Boolean)
        .join(' · ');
      return { traceCode: r.trace_code, title: what || r.trace_code };
    });
    return renderLabelsPdf(labels, { size: dto.size, font: await this.font() });
  }

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

  // ---- reads ------------------------------------------------------------------------------

  private async load(manager: EntityManager, actor: Actor, id: string): Promise<Parcel> {
    const parcel = await this.parcels.findParcel(id, manager);
    return ParcelAccess.assertVisible(parcel, actor, id);
  }

  /** Staff do not see the expected seal number: they must read it off the bag. */
  async view(actor: Actor, parcel: Parcel, manager: EntityManager = this.dataSource.manager) {
    const items = await this.parcels.items(manager, parcel.itemIds);
    const exceptions = await this.parcels.exceptionsOf(manager, parcel.id);
    const scanned = new Set(parcel.scannedItemIds);
    return withActions(ParcelMachine, parcel, actor, {
      id: parcel.id,
      pickupId: parcel.pickupId,
      warehouseId: parcel.warehouseId,
      source: parcel.source,
      sealed: parcel.sealNumber !== null,
      ...(seesEverything(actor) ? { sealNumber: parcel.sealNumber } : {}),
      sealRead: parcel.sealRead,
      sealIntact: parcel.sealIntact,
      items: items.map((i) => ({
        id: i.id,
        traceCode: i.traceCode,
        state: i.state,
        scanned: scanned.has(i.id),
      })),
      unexpectedCodes: parcel.unexpectedCodes,
      exceptions: exceptions.map(exceptionView),
      deliveredAt: parcel.deliveredAt,
      receivedAt: parcel.receivedAt,
      receivedBy: parcel.receivedBy,
      createdAt: parcel.createdAt,
    });
  }

  async get(actor: Actor, id: string) {
    return this.view(actor, await this.load(this.dataSource.manager, actor, id));
  }

  async list(actor: Actor, query: ParcelQuery) {
    const page = await this.parcels.page(actor, query);
    return {
      items: await Promise.all(page.items.map((p) => this.view(actor, p))),
      nextCursor: page.nextCursor,
    };
  }

  async listExceptions(actor: Actor, query: ReceivingExceptionQuery) {
    return mapPage(await this.parcels.exceptionsPage(actor, query), exceptionView);
  }

  // ---- scanning and receiving -------------------------------------------------------------

  /**
   * One keyboard-wedge scan: a seal number or a trace code of a parcel expected in the actor's
   * warehouse. The scan is recorded on the parcel; the scan that completes a clean match (seal
   * read as recorded, every item scanned) receives the parcel.
   */
  async scan(actor: Actor, code: string) {
    const warehouseId = actor.organisationId;
    if (!warehouseId) throw new NotFoundException('Scanning needs a warehouse');
    return this.dataSource.transaction(async (manager) => {
      const seal = normaliseSeal(code);
      let matched: { kind: 'seal' } | { kind: 'item'; itemId: string; traceCode: string };
      let parcel = seal ? await this.parcels.expectedBySeal(manager, warehouseId, seal) : null;
      if (parcel && seal) {
        await this.parcels.recordSealRead(manager, parcel.id, seal);
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
        await this.parcels.recordItemScan(manager, parcel.id, item.id);
        matched = { kind: 'item', itemId: item.id, traceCode: item.traceCode };
      }
      let current = await this.parcels.parcelOrFail(manager, parcel.id);
      const complete =
        current.state === 'EXPECTED' &&
        (current.sealNumber === null || current.sealRead === current.sealNumber) &&
        current.itemIds.every((id) => current.scannedItemIds.includes(id));
      if (complete) {
        current = await this.close(manager, actor, current, {
          sealRead: current.sealRead,
          sealIntact: true,
          scannedItemIds: current.scannedItemIds,
          unexpected: [],
        });
      }
      return { matched, received: complete, parcel: await this.view(actor, current, manager) };
    });
  }

  /** Closes the parcel with what was found (explicitly, or what the scans recorded). */
  async receive(actor: Actor, id: string, dto: ReceiveParcelDto) {
    return this.dataSource.transaction(async (manager) => {
      const parcel = await this.load(manager, actor, id);
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
      return this.view(actor, closed, manager);
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
      const item = await this.parcels.itemOrFail(manager, itemId);
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
