import { Injectable } from '@nestjs/common';
import { DataSource, type DeepPartial, type EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { mapPage, paginate } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { OpenVehiclePaperwork } from '../core/jobs/job-catalogue.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { PaperworkTaskAccess, PaperworkTaskMachine } from './paperwork.machine.js';
import { PAPERWORK_KINDS, PaperworkTask, type PaperworkState } from './vehicle.entities.js';
import { badField } from './vehicles.service.js';
import type {
  OpenPaperworkDto,
  PaperworkActionDto,
  PaperworkQuery,
  RecordTransferDto,
} from './vehicles.dto.js';

/** The car a task is about, as named on its label and in the catalogue. */
export interface PaperworkCar {
  traceCode: string;
  model: { brand: string; name: string } | null;
}

/**
 * The paperwork of a car sale as tracked tasks: ownership transfer (过户), registration (上牌)
 * and insurance. Opened when a car is paid for (OpenVehiclePaperwork from resale) or by hand;
 * resale's sale is not complete until the transfer task is DONE (VehicleFactsService).
 */
@Injectable()
export class PaperworkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
  ) {}

  /** Opens the three tasks for every car of the sale; idempotent (one task per sale and kind). */
  async open(
    m: EntityManager,
    actor: Actor,
    sale: {
      saleOrderId: string;
      itemIds: readonly string[];
      merchantOrganisationId: string | null;
      buyerId: string | null;
    },
  ): Promise<PaperworkTask[]> {
    // Serialise openers of the same sale (job redelivery racing a hand-opened set).
    await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`paperwork:${sale.saleOrderId}`]);
    const cars = await m.query<Array<{ id: string; vin: string }>>(
      'SELECT id, vin FROM items WHERE id = ANY($1::uuid[]) AND vin IS NOT NULL ORDER BY id',
      [sale.itemIds],
    );
    const repo = m.getRepository(PaperworkTask);
    const existing = await repo.find({ where: { saleOrderId: sale.saleOrderId } });
    const out = [...existing];
    // A sale order is for one listing, so one car: the tasks belong to the sale and name the car.
    const car = cars[0];
    if (!car) return out;
    // The platform warehouse that last held the car (its history names every custodian).
    const [held] = await m.query<Array<{ custodian_id: string }>>(
      `SELECT custodian_id FROM item_events
        WHERE item_id = $1 AND custodian_kind = 'warehouse' AND custodian_id IS NOT NULL
        ORDER BY seq DESC LIMIT 1`,
      [car.id],
    );
    for (const kind of PAPERWORK_KINDS) {
      if (existing.some((t) => t.kind === kind)) continue;
      out.push(
        await this.transitions.create(PaperworkTaskMachine, {
          manager: m,
          actor,
          values: {
            saleOrderId: sale.saleOrderId,
            itemId: car.id,
            vin: car.vin,
            kind,
            merchantOrganisationId: sale.merchantOrganisationId,
            buyerId: sale.buyerId,
            reference: null,
            documentNumber: null,
            scanReference: null,
            warehouseId: held?.custodian_id ?? null,
            blockedReason: null,
            doneAt: null,
            doneBy: null,
          },
          data: { saleOrderId: sale.saleOrderId, kind },
        }),
      );
    }
    return out;
  }

  async onOpenVehiclePaperwork(
    p: NonNullable<(typeof OpenVehiclePaperwork)['payload']>,
  ): Promise<void> {
    await this.dataSource.transaction((m) => this.open(m, SYSTEM_ACTOR, p));
  }

  async openByHand(actor: Actor, dto: OpenPaperworkDto) {
    const tasks = await this.dataSource.transaction(async (m) => {
      const [item] = await m.query<Array<{ vin: string | null; custodian_id: string | null }>>(
        'SELECT vin, custodian_id FROM items WHERE id = $1',
        [dto.itemId],
      );
      const merchantOrganisationId = seesEverything(actor)
        ? (dto.merchantOrganisationId ?? null)
        : actor.organisationId;
      if (!item || (!seesEverything(actor) && item.custodian_id !== actor.organisationId)) {
        throw new NotFound('Item', dto.itemId);
      }
      if (!item.vin) throw badField('itemId', 'is not a vehicle (no VIN)');
      return this.open(m, actor, {
        saleOrderId: dto.saleOrderId,
        itemIds: [dto.itemId],
        merchantOrganisationId,
        buyerId: dto.buyerId ?? null,
      });
    });
    return this.present(
      actor,
      tasks.filter((t) => PaperworkTaskAccess.canSee(t, actor)),
    );
  }

  async list(actor: Actor, q: PaperworkQuery) {
    const qb = this.dataSource.getRepository(PaperworkTask).createQueryBuilder('t');
    PaperworkTaskAccess.restrict(qb, actor, 't');
    if (q.state) qb.andWhere('t.state = :state', { state: q.state });
    if (q.saleOrderId) qb.andWhere('t.sale_order_id = :sid', { sid: q.saleOrderId });
    const page = await paginate(qb, q);
    const cars = await this.cars(page.items.map((t) => t.itemId));
    return mapPage(page, (t) => this.view(actor, t, cars.get(t.itemId) ?? null));
  }

  async get(actor: Actor, id: string) {
    const t = await this.dataSource.getRepository(PaperworkTask).findOne({ where: { id } });
    const [view] = await this.present(actor, [PaperworkTaskAccess.assertVisible(t, actor, id)]);
    return view;
  }

  async act(
    actor: Actor,
    id: string,
    action: 'complete' | 'block' | 'unblock',
    dto: PaperworkActionDto,
  ) {
    if (action === 'block' && !dto.reason?.trim()) throw badField('reason', 'is required to block');
    const now = new Date();
    const patch: DeepPartial<PaperworkTask> =
      action === 'complete'
        ? {
            doneAt: now,
            doneBy: actor.userId,
            reference: dto.reference ?? null,
            blockedReason: null,
          }
        : action === 'block'
          ? { blockedReason: dto.reason?.trim() ?? null }
          : { blockedReason: null };
    const t = await this.transitions.apply<PaperworkState, PaperworkTask>(PaperworkTaskMachine, {
      id,
      action,
      actor,
      expectedVersion: dto.version,
      patch,
      data: action === 'block' ? { reason: dto.reason ?? null } : {},
    });
    const [view] = await this.present(actor, [t]);
    return view;
  }

  /** Platform staff record the ownership transfer with the authority's document and its scan. */
  async recordTransfer(actor: Actor, id: string, dto: RecordTransferDto) {
    const t = await this.transitions.apply<PaperworkState, PaperworkTask>(PaperworkTaskMachine, {
      id,
      action: 'record-transfer',
      actor,
      expectedVersion: dto.version,
      patch: {
        doneAt: new Date(),
        doneBy: actor.userId,
        documentNumber: dto.documentNumber.trim(),
        scanReference: dto.scanReference.trim(),
        reference: dto.documentNumber.trim(),
        blockedReason: null,
      },
      data: { documentNumber: dto.documentNumber.trim(), scanReference: dto.scanReference.trim() },
    });
    const [view] = await this.present(actor, [t]);
    return view;
  }

  /** Tasks as read: each names its car (trace code on the label, model). */
  private async present(actor: Actor, tasks: PaperworkTask[]) {
    const cars = await this.cars(tasks.map((t) => t.itemId));
    return tasks.map((t) => this.view(actor, t, cars.get(t.itemId) ?? null));
  }

  /** Trace code and model of each car, the way the people doing the paperwork name it. */
  private async cars(itemIds: string[]): Promise<Map<string, PaperworkCar>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.dataSource.query<
      Array<{ id: string; trace_code: string; brand: string | null; model: string | null }>
    >(
      `SELECT i.id, i.trace_code, pm.brand, pm.model
         FROM items i LEFT JOIN product_models pm ON pm.id = i.product_model_id
        WHERE i.id = ANY($1::uuid[])`,
      [[...new Set(itemIds)]],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          traceCode: r.trace_code,
          model: r.brand && r.model ? { brand: r.brand, name: r.model } : null,
        },
      ]),
    );
  }

  view(actor: Actor, t: PaperworkTask, car: PaperworkCar | null) {
    const v = withActions(PaperworkTaskMachine, t, actor, {
      id: t.id,
      saleOrderId: t.saleOrderId,
      itemId: t.itemId,
      vin: t.vin,
      car,
      kind: t.kind,
      merchantOrganisationId: t.merchantOrganisationId,
      reference: t.reference,
      documentNumber: t.documentNumber,
      scanReference: t.scanReference,
      warehouseId: t.warehouseId,
      blockedReason: t.blockedReason,
      doneAt: t.doneAt,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    });
    // The transfer is recorded, never merely completed; the other tasks the other way round.
    const wrong = t.kind === 'ownership-transfer' ? 'complete' : 'record-transfer';
    return { ...v, allowedActions: v.allowedActions.filter((a) => a !== wrong) };
  }
}
