import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { type CjkFont, openCjkFont } from '../config/cjk-font.js';
import { APP_CONFIG } from '../config/config.module.js';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { mapPage, type Page } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { LabelsDto, ParcelQuery, ReceivingExceptionQuery } from './api/receiving.dto.js';
import type { Parcel } from './data/parcel.entity.js';
import { ParcelRepository } from './data/parcel.repository.js';
import type { ReceivingException } from './data/receiving-exception.entity.js';
import { ParcelAccess } from './domain/access.js';
import { renderLabelsPdf, type TraceLabel } from './domain/labels-pdf.js';
import { ParcelMachine } from './domain/parcel.machine.js';

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

type ParcelView = Awaited<ReturnType<ParcelsService['view']>>;

/**
 * Parcels as the warehouse, support and admins read them — with their items and the exceptions
 * found receiving them — and the trace-code labels printed for them.
 */
@Injectable()
export class ParcelsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly parcels: ParcelRepository,
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

  /** The parcel, 404 unless the actor may see it. */
  async load(manager: EntityManager, actor: Actor, id: string): Promise<Parcel> {
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

  /** A page of parcel views (a Page, so its OpenAPI schema keeps the controller's name). */
  async list(actor: Actor, query: ParcelQuery): Promise<Page<ParcelView>> {
    const page = await this.parcels.page(actor, query);
    return {
      items: await Promise.all(page.items.map((p) => this.view(actor, p))),
      nextCursor: page.nextCursor,
    };
  }

  async listExceptions(actor: Actor, query: ReceivingExceptionQuery) {
    return mapPage(await this.parcels.exceptionsPage(actor, query), exceptionView);
  }
}
