import { ConflictException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { isUniqueViolation, stateConflict } from '../core/errors.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type {
  DeclareUnrepairableDto,
  FinishRepairDto,
  RecordPartDto,
  StartRepairDto,
} from './api/refurbishment.dto.js';
import { RefurbishmentOrderRepository } from './data/refurbishment-order.repository.js';
import { RefurbishmentMachine } from './domain/refurbishment.machine.js';
import { partView, turnaroundHours } from './domain/refurbishment-views.js';
import { RefurbishmentService } from './refurbishment.service.js';
import { scrapItem } from './scrap-item.js';

/**
 * The partner's work on an assigned order: starting the repair (the unit into the partner's
 * custody), the parts fitted and taken out, handing the unit back for QC with its diagnosis,
 * labour and parts cost, or declaring it unrepairable (the item to scrap).
 */
@Injectable()
export class PartnerRepairs {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly items: ItemsService,
    private readonly orders: RefurbishmentOrderRepository,
    private readonly refurbishments: RefurbishmentService,
  ) {}

  async startRepair(actor: Actor, id: string, dto: StartRepairDto) {
    await this.transitions.apply(RefurbishmentMachine, {
      id,
      action: 'start-repair',
      actor,
      expectedVersion: dto.version,
      patch: (o) => ({
        technicianId: actor.userId,
        repairStartedAt: new Date(),
        diagnosis: dto.diagnosis ?? o.diagnosis,
      }),
      custodian: (await this.partnerOf(id)) ?? undefined,
      data: (o) => ({ partnerId: o.partnerId }),
      effects: (m, o) =>
        this.items.setCustodian(m, [o.itemId], { kind: 'partner', id: o.partnerId }),
    });
    return this.refurbishments.get(actor, id);
  }

  /** A part fitted (serial in) and/or taken out (serial out) during the repair. */
  async recordPart(actor: Actor, id: string, dto: RecordPartDto) {
    try {
      const part = await this.dataSource.transaction(async (m) => {
        const order = await this.refurbishments.load(m, actor, id, true);
        if (order.state !== 'IN_REPAIR') {
          throw stateConflict(
            RefurbishmentMachine,
            order,
            actor,
            `Parts are recorded while IN_REPAIR, not ${order.state}`,
          );
        }
        if (dto.serialIn) await this.assertSerialFree(m, dto.serialIn);
        return this.orders.addPart(m, {
          orderId: order.id,
          itemId: order.itemId,
          partName: dto.partName.trim(),
          partNumber: dto.partNumber?.trim() ?? null,
          serialIn: dto.serialIn?.trim() ?? null,
          serialOut: dto.serialOut?.trim() ?? null,
          costMinor: dto.costMinor,
          recordedBy: actor.userId,
        });
      });
      return partView(part);
    } catch (err) {
      if (isUniqueViolation(err)) throw this.serialTaken(dto.serialIn ?? '');
      throw err;
    }
  }

  private async assertSerialFree(m: EntityManager, serial: string): Promise<void> {
    if (await this.orders.isSerialFitted(m, serial.trim())) throw this.serialTaken(serial);
  }

  private serialTaken(serial: string) {
    return new ConflictException(`Part serial ${serial} is already fitted in another unit`);
  }

  /** The partner hands the unit back for QC with its diagnosis, labour and parts cost. */
  async finishRepair(actor: Actor, id: string, dto: FinishRepairDto) {
    await this.dataSource.transaction(async (m) => {
      const order = await this.refurbishments.load(m, actor, id);
      const parts = await this.orders.parts(id, m);
      const partsCost = parts.reduce((s, p) => s + p.costMinor, 0);
      const diagnosis = dto.diagnosis ?? order.diagnosis;
      await this.transitions.apply(RefurbishmentMachine, {
        manager: m,
        id,
        action: 'finish-repair',
        actor,
        expectedVersion: dto.version,
        input: { diagnosis },
        patch: {
          diagnosis,
          labourMinutes: dto.labourMinutes,
          labourCostMinor: dto.labourCostMinor,
          partsCostMinor: partsCost,
          repairCostMinor: partsCost + dto.labourCostMinor,
          repairFinishedAt: new Date(),
        },
        custodian: { kind: 'warehouse', id: order.warehouseId },
        data: (o) => ({
          repairs: (diagnosis ?? '').slice(0, 200),
          partsReplaced: parts.map((p) => p.partName),
          parts: parts.map((p) => ({
            partName: p.partName,
            partNumber: p.partNumber,
            serialIn: p.serialIn,
            serialOut: p.serialOut,
          })),
          repairCostMinor: partsCost + dto.labourCostMinor,
          turnaroundHours: turnaroundHours(o),
        }),
        effects: (mm, o) =>
          this.items.setCustodian(mm, [o.itemId], { kind: 'warehouse', id: o.warehouseId }),
      });
    });
    return this.refurbishments.get(actor, id);
  }

  async declareUnrepairable(actor: Actor, id: string, dto: DeclareUnrepairableDto) {
    const reason = `unrepairable (partner): ${dto.reason}`;
    await this.transitions.apply(RefurbishmentMachine, {
      id,
      action: 'declare-unrepairable',
      actor,
      expectedVersion: dto.version,
      patch: { outcomeReason: reason, repairFinishedAt: new Date(), closedAt: new Date() },
      data: { outcome: 'unrepairable', reason },
      effects: (m, o) => scrapItem(this.transitions, m, actor, o, reason),
    });
    return this.refurbishments.get(actor, id);
  }

  private async partnerOf(id: string): Promise<{ kind: string; id: string } | null> {
    const o = await this.orders.findOrder(id);
    return o?.partnerId ? { kind: 'partner', id: o.partnerId } : null;
  }
}
