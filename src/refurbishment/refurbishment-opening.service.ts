import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import type { RefurbishmentRequested } from '../core/jobs/job-catalogue.js';
import {
  INSPECTION_REPORTS,
  type InspectionReports,
} from '../core/read-models/inspection-reports.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { decideRepair, estimateRepairCost, type RepairFinding } from './domain/repair-economics.js';
import type { OpenRefurbishmentDto } from './api/refurbishment.dto.js';
import type { RefurbishmentOrder, RepairEconomics } from './data/refurbishment.entities.js';
import { RefurbishmentOrderRepository } from './data/refurbishment-order.repository.js';
import { RefurbishmentMachine } from './domain/refurbishment.machine.js';
import { RefurbishmentService } from './refurbishment.service.js';
import { scrapItem } from './scrap-item.js';

type RequestedPayload = NonNullable<(typeof RefurbishmentRequested)['payload']>;

/** Everything decided before an order is written: family, findings, standard, economics. */
interface Assessment {
  family: string;
  findings: RepairFinding[];
  inspectionId: string | null;
  standard: { id: string; code: string; version: number } | null;
  economics: RepairEconomics;
}

/**
 * Opening a refurbishment order for a *good* item: by the RefurbishmentRequested job (grading's
 * disposition) or by hand by the warehouse. Either way the order is assessed first (family,
 * findings, standard, whether repair pays): an order that does not pay is rejected and its item
 * scrapped; one that pays goes to the least loaded competent partner with room, if any.
 */
@Injectable()
export class RefurbishmentOpening {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly catalog: CatalogService,
    private readonly standards: GradingStandardsService,
    private readonly valuation: ValuationService,
    @Inject(INSPECTION_REPORTS) private readonly inspections: InspectionReports,
    private readonly orders: RefurbishmentOrderRepository,
    private readonly refurbishments: RefurbishmentService,
  ) {}

  /** Job: grading sent a *good* item to refurbishment. Repeated delivery opens one order. */
  async onRefurbishmentRequested(payload: RequestedPayload): Promise<void> {
    const item = await this.orders.findItem(payload.itemId);
    if (!item) throw new Error(`Item ${payload.itemId} not found`);
    if (item.state !== 'IN_REFURBISHMENT') return; // the world moved on
    const assessment = await this.assess(item, payload.inspectionId);
    await this.dataSource.transaction(async (m) => {
      const locked = await this.lockItem(m, item.id);
      if (locked.state !== 'IN_REFURBISHMENT' || (await this.activeOrder(m, item.id))) return;
      const warehouseId =
        payload.warehouseId ?? (locked.custodianKind === 'warehouse' ? locked.custodianId : null);
      if (!warehouseId) throw new Error(`Item ${item.id}: no warehouse to run QC`);
      await this.openOrder(m, SYSTEM_ACTOR, locked, warehouseId, assessment);
    });
  }

  /** Warehouse staff (or an admin) open a repair by hand for a graded item they hold. */
  async openByHand(actor: Actor, dto: OpenRefurbishmentDto) {
    const item = await this.orders.findItem(dto.itemId);
    if (!item || !this.holds(actor, item)) throw new NotFound('Item', dto.itemId);
    const assessment = await this.assess(item, dto.inspectionId ?? null);
    const order = await this.dataSource.transaction(async (m) => {
      const locked = await this.lockItem(m, item.id);
      if (!this.holds(actor, locked)) throw new NotFound('Item', dto.itemId);
      const warehouseId = locked.custodianId as string;
      if (locked.state === 'RECEIVED') {
        if (locked.grade === null) throw new ConflictException('The item is not graded yet');
        if (locked.grade === 'scrap') {
          throw new ConflictException('A scrap item goes to recycling, not to repair');
        }
        await this.transitions.apply(ItemMachine, {
          manager: m,
          id: locked.id,
          action: 'send-to-refurbishment',
          actor,
          checkAccess: false,
          data: { grade: locked.grade, openedByHand: true },
        });
        locked.state = 'IN_REFURBISHMENT';
      } else if (locked.state !== 'IN_REFURBISHMENT') {
        throw new ConflictException(`An item that is ${locked.state} cannot go to repair`);
      }
      if (await this.activeOrder(m, locked.id)) {
        throw new ConflictException('The item already has an open refurbishment order');
      }
      return this.openOrder(m, actor, locked, warehouseId, assessment, actor.userId);
    });
    return this.refurbishments.get(actor, order.id);
  }

  /** Family, findings, standard and whether repair pays (reads only; before the transaction). */
  private async assess(item: Item, inspectionId: string | null): Promise<Assessment> {
    if (!item.categoryId) throw new BadRequestException(`Item ${item.id} has no category`);
    const leaf = await this.catalog.getLeaf(item.categoryId);
    const family = (await this.catalog.path(leaf.id))[0]?.code ?? 'unknown';
    const report = await this.inspections.completedReport(item.id, inspectionId);
    const findings = report?.findings ?? [];
    let standard = report?.standard ?? null;
    if (standard && !(await this.standards.get(standard.id).catch(() => null))) standard = null;
    if (!standard) {
      const latest = await this.standards.latest(leaf.standardCode);
      standard = latest ? { id: latest.id, code: latest.code, version: latest.version } : null;
    }
    const estimate = estimateRepairCost(family, findings);
    // Expected resale once repaired: the item sells as premium after a successful repair.
    const resale = await this.valuation.value({
      productModelId: item.productModelId,
      categoryId: item.categoryId,
      grade: 'premium',
    });
    const decision = decideRepair({
      expectedResaleMinor: resale.amountMinor,
      estimatedRepairCostMinor: estimate.amountMinor,
      scrapValueMinor: leaf.scrapValueMinor,
    });
    return {
      family,
      findings,
      inspectionId: report?.inspectionId ?? inspectionId,
      standard,
      economics: {
        estimate,
        decision,
        valuation: {
          basis: resale.basis,
          modelVersion: resale.modelVersion,
          paramsVersion: resale.paramsVersion,
        },
      },
    };
  }

  private async openOrder(
    m: EntityManager,
    actor: Actor,
    item: Item,
    warehouseId: string,
    a: Assessment,
    openedBy: string | null = null,
  ): Promise<RefurbishmentOrder> {
    const { decision } = a.economics;
    let order = await this.transitions.create(RefurbishmentMachine, {
      manager: m,
      actor,
      values: {
        itemId: item.id,
        warehouseId,
        partnerId: null,
        inspectionId: a.inspectionId,
        openedBy,
        categoryFamily: a.family,
        standardId: a.standard?.id ?? null,
        standardCode: a.standard?.code ?? null,
        standardVersion: a.standard?.version ?? null,
        findings: a.findings,
        currency: 'CNY',
        expectedResaleMinor: decision.expectedResaleMinor,
        estimatedRepairCostMinor: decision.estimatedRepairCostMinor,
        scrapValueMinor: decision.scrapValueMinor,
        worthRepairing: decision.worthRepairing,
        economics: a.economics,
      },
      data: {
        expectedResaleMinor: decision.expectedResaleMinor,
        estimatedRepairCostMinor: decision.estimatedRepairCostMinor,
        scrapValueMinor: decision.scrapValueMinor,
        worthRepairing: decision.worthRepairing,
        reason: decision.reason,
      },
    });
    if (!decision.worthRepairing) {
      return this.transitions.apply(RefurbishmentMachine, {
        manager: m,
        id: order.id,
        action: 'reject-repair',
        actor,
        patch: { outcomeReason: decision.reason, closedAt: new Date() },
        data: { outcome: 'not-worth-repairing', reason: decision.reason },
        effects: (mm, o) => scrapItem(this.transitions, mm, actor, o, decision.reason),
      });
    }
    const partner = await this.pickPartner(m, a.family);
    if (partner) order = await this.assignTo(m, actor, order, partner.id);
    return order;
  }

  // ---- assignment on opening -----------------------------------------------------------------

  /** Competent partners (capabilities.refurbishes has the family) with room, least loaded first. */
  private pickPartner(m: EntityManager, family: string): Promise<{ id: string } | null> {
    return this.orders.leastLoadedPartner(m, family);
  }

  private assignTo(m: EntityManager, actor: Actor, order: RefurbishmentOrder, partnerId: string) {
    return this.transitions.apply(RefurbishmentMachine, {
      manager: m,
      id: order.id,
      action: 'assign',
      actor,
      expectedVersion: order.version,
      patch: { partnerId, assignedAt: new Date() },
      data: { partnerId },
    });
  }

  private holds(actor: Actor, item: Item): boolean {
    if (item.custodianKind !== 'warehouse' || !item.custodianId) return false;
    return actor.role === 'admin' || item.custodianId === actor.organisationId;
  }

  private async lockItem(m: EntityManager, id: string): Promise<Item> {
    const item = await this.orders.lockItem(m, id);
    if (!item) throw new NotFound('Item', id);
    return item;
  }

  private activeOrder(m: EntityManager, itemId: string): Promise<RefurbishmentOrder | null> {
    return this.orders.activeOrderOf(m, itemId);
  }
}
