import { Injectable } from '@nestjs/common';
import { DataSource, type DeepPartial, type EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR, seesEverything } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { OpenVehiclePaperwork } from '../core/jobs/job-catalogue.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { PaperworkTaskAccess, PaperworkTaskMachine } from './domain/paperwork.machine.js';
import { PAPERWORK_KINDS, PaperworkTask, type PaperworkState } from './data/vehicle.entities.js';
import { PaperworkRepository } from './data/paperwork.repository.js';
import { badField } from './vehicles.service.js';
import type {
  OpenPaperworkDto,
  PaperworkActionDto,
  PaperworkQuery,
  RecordTransferDto,
} from './api/vehicles.dto.js';

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
    private readonly paperwork: PaperworkRepository,
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
    await this.paperwork.lockSale(m, sale.saleOrderId);
    const cars = await this.paperwork.cars(m, sale.itemIds);
    const existing = await this.paperwork.tasksOfSale(m, sale.saleOrderId);
    const out = [...existing];
    // A sale order is for one listing, so one car: the tasks belong to the sale and name the car.
    const car = cars[0];
    if (!car) return out;
    // The platform warehouse that last held the car (its history names every custodian).
    const warehouseId = await this.paperwork.lastWarehouse(m, car.id);
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
            warehouseId,
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
      const item = await this.paperwork.item(m, dto.itemId);
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
    const page = await this.paperwork.page(actor, q);
    const cars = await this.cars(page.items.map((t) => t.itemId));
    return mapPage(page, (t) => this.view(actor, t, cars.get(t.itemId) ?? null));
  }

  async get(actor: Actor, id: string) {
    const t = await this.paperwork.get(id);
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
    const rows = await this.paperwork.carNames([...new Set(itemIds)]);
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
