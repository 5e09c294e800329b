import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { isUniqueViolation, NotFound, stateConflict } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  ItemAvailableForSale,
  RecyclingRequested,
  type RefurbishmentRequested,
} from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import {
  INSPECTION_REPORTS,
  type InspectionReports,
} from '../core/read-models/inspection-reports.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import {
  computeGrade,
  type GradeResult,
  InvalidAnswersError,
} from '../catalog/standards/grade-engine.js';
import type { Answers } from '../catalog/standards/standard.js';
import { ValuationService } from '../valuation/valuation.service.js';
import {
  decideRepair,
  estimateRepairCost,
  qcPasses,
  type RepairFinding,
} from './domain/repair-economics.js';
import type {
  AssignRefurbishmentDto,
  DeclareUnrepairableDto,
  FinishRepairDto,
  OpenRefurbishmentDto,
  QcDto,
  RecordPartDto,
  RefurbishmentFilter,
  StartRepairDto,
} from './api/refurbishment.dto.js';
import type {
  RefurbishmentOrder,
  RefurbishmentPart,
  RepairEconomics,
} from './data/refurbishment.entities.js';
import { RefurbishmentOrderRepository } from './data/refurbishment-order.repository.js';
import { RefurbishmentMachine, RefurbishmentOrderAccess } from './domain/refurbishment.machine.js';

type RequestedPayload = NonNullable<(typeof RefurbishmentRequested)['payload']>;

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Everything decided before an order is written: family, findings, standard, economics. */
interface Assessment {
  family: string;
  findings: RepairFinding[];
  inspectionId: string | null;
  standard: { id: string; code: string; version: number } | null;
  economics: RepairEconomics;
}

const money = (amountMinor: number | null, currency: string) =>
  amountMinor === null ? null : { amountMinor, currency };

export function partView(p: RefurbishmentPart) {
  return {
    id: p.id,
    orderId: p.orderId,
    itemId: p.itemId,
    partName: p.partName,
    partNumber: p.partNumber,
    serialIn: p.serialIn,
    serialOut: p.serialOut,
    cost: { amountMinor: p.costMinor, currency: 'CNY' },
    recordedBy: p.recordedBy,
    createdAt: p.createdAt,
  };
}

export function orderView(o: RefurbishmentOrder, parts: RefurbishmentPart[] | null) {
  return {
    id: o.id,
    itemId: o.itemId,
    warehouseId: o.warehouseId,
    partnerId: o.partnerId,
    inspectionId: o.inspectionId,
    categoryFamily: o.categoryFamily,
    standard: o.standardCode ? { code: o.standardCode, version: o.standardVersion } : null,
    findings: o.findings,
    economics: {
      worthRepairing: o.worthRepairing,
      expectedResale: money(o.expectedResaleMinor, o.currency),
      estimatedRepairCost: money(o.estimatedRepairCostMinor, o.currency),
      scrapValue: money(o.scrapValueMinor, o.currency),
      reason: o.economics.decision.reason,
      costLines: o.economics.estimate.lines,
      valuation: o.economics.valuation,
    },
    repair: {
      technicianId: o.technicianId,
      assignedAt: o.assignedAt,
      startedAt: o.repairStartedAt,
      finishedAt: o.repairFinishedAt,
      diagnosis: o.diagnosis,
      labourMinutes: o.labourMinutes,
      labourCost: money(o.labourCostMinor, o.currency),
      partsCost: money(o.partsCostMinor, o.currency),
      totalCost: money(o.repairCostMinor, o.currency),
      turnaroundHours: turnaroundHours(o),
    },
    qc: o.qcAt
      ? {
          by: o.qcBy,
          at: o.qcAt,
          grade: o.qcGrade,
          passed: o.qcPassed,
          summary: o.qcReport?.summary ?? null,
          findings: o.qcReport?.findings.map((f) => ({ label: f.label, severity: f.severity })),
        }
      : null,
    outcomeReason: o.outcomeReason,
    closedAt: o.closedAt,
    createdAt: o.createdAt,
    ...(parts ? { parts: parts.map(partView) } : {}),
  };
}

/** The partner's turnaround: from assignment until the unit came back for QC (or was given up). */
function turnaroundHours(o: RefurbishmentOrder): number | null {
  if (!o.assignedAt || !o.repairFinishedAt) return null;
  return (
    Math.round(((o.repairFinishedAt.getTime() - o.assignedAt.getTime()) / 3_600_000) * 100) / 100
  );
}

/**
 * Stage: refurbishment (spec §1, §3). Opens an order for a *good* item, decides whether repair
 * pays, assigns a competent partner by load, records the partner's work and parts, and runs QC
 * as a re-inspection under the item's standard. The item leaves available (ItemAvailableForSale)
 * or for scrap (RecyclingRequested).
 */
@Injectable()
export class RefurbishmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly catalog: CatalogService,
    private readonly standards: GradingStandardsService,
    private readonly valuation: ValuationService,
    private readonly items: ItemsService,
    @Inject(INSPECTION_REPORTS) private readonly inspections: InspectionReports,
    private readonly orders: RefurbishmentOrderRepository,
  ) {}

  // ---- opening ------------------------------------------------------------------------------

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
    return this.get(actor, order.id);
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
        effects: (mm, o) => this.scrapItem(mm, actor, o, decision.reason),
      });
    }
    const partner = await this.pickPartner(m, a.family);
    if (partner) order = await this.assignTo(m, actor, order, partner.id);
    return order;
  }

  // ---- assignment ---------------------------------------------------------------------------

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

  /** An order left OPEN (no competent partner had room) assigned by hand or to the least loaded. */
  async assign(actor: Actor, id: string, dto: AssignRefurbishmentDto) {
    await this.dataSource.transaction(async (m) => {
      const order = await this.load(m, actor, id);
      let partnerId = dto.partnerId;
      if (partnerId) {
        const partner = await this.orders.findOrganisation(partnerId, m);
        const families = partner?.capabilities.refurbishes;
        if (
          partner?.kind !== 'partner' ||
          !Array.isArray(families) ||
          !families.includes(order.categoryFamily)
        ) {
          throw new BadRequestException({
            message: `Partner ${partnerId} does not refurbish ${order.categoryFamily} items`,
            fields: [{ field: 'partnerId', errors: ['not a partner for this category family'] }],
          });
        }
      } else {
        partnerId = (await this.pickPartner(m, order.categoryFamily))?.id;
        if (!partnerId) {
          throw stateConflict(
            RefurbishmentMachine,
            order,
            actor,
            `No partner with room refurbishes ${order.categoryFamily}`,
          );
        }
      }
      await this.transitions.apply(RefurbishmentMachine, {
        manager: m,
        id,
        action: 'assign',
        actor,
        expectedVersion: dto.version,
        patch: { partnerId, assignedAt: new Date() },
        data: { partnerId, byHand: true },
      });
    });
    return this.get(actor, id);
  }

  // ---- the partner's work -------------------------------------------------------------------

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
    return this.get(actor, id);
  }

  /** A part fitted (serial in) and/or taken out (serial out) during the repair. */
  async recordPart(actor: Actor, id: string, dto: RecordPartDto) {
    try {
      const part = await this.dataSource.transaction(async (m) => {
        const order = await this.load(m, actor, id, true);
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
      const order = await this.load(m, actor, id);
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
    return this.get(actor, id);
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
      effects: (m, o) => this.scrapItem(m, actor, o, reason),
    });
    return this.get(actor, id);
  }

  // ---- QC -----------------------------------------------------------------------------------

  /** QC: the warehouse re-inspects under the item's standard; the grade decides pass or fail. */
  async qc(actor: Actor, id: string, dto: QcDto) {
    await this.dataSource.transaction(async (m) => {
      const order = await this.load(m, actor, id);
      if (order.state !== 'QC') {
        throw stateConflict(
          RefurbishmentMachine,
          order,
          actor,
          `Cannot run QC on an order that is ${order.state}`,
        );
      }
      if (!order.standardId) {
        throw stateConflict(
          RefurbishmentMachine,
          order,
          actor,
          'No grading standard is bound to this order',
        );
      }
      const standard = await this.standards.get(order.standardId, m);
      const result = this.grade(standard.definition, dto.answers);
      const verdict = qcPasses(result);
      const now = new Date();
      const findings = result.findings.map((f) => ({ label: f.label, severity: f.severity }));
      await this.transitions.apply(RefurbishmentMachine, {
        manager: m,
        id,
        action: verdict.passed ? 'pass-qc' : 'fail-qc',
        actor,
        expectedVersion: dto.version,
        patch: {
          qcBy: actor.userId,
          qcAt: now,
          qcAnswers: dto.answers,
          qcReport: result,
          qcGrade: result.grade,
          qcPassed: verdict.passed,
          outcomeReason: verdict.reason,
          closedAt: now,
        },
        data: {
          qcPassed: verdict.passed,
          grade: result.grade,
          standardCode: standard.code,
          standardVersion: standard.version,
          score: result.score,
          findings,
          notes: dto.notes ?? null,
          reason: verdict.reason,
        },
        effects: async (mm, o) => {
          if (!verdict.passed) {
            await this.scrapItem(mm, actor, o, `failed QC after repair: ${verdict.reason}`, result);
            return;
          }
          await this.transitions.apply(ItemMachine, {
            manager: mm,
            id: o.itemId,
            action: 'make-available',
            actor,
            checkAccess: false,
            patch: { grade: result.grade, custodianKind: 'warehouse', custodianId: o.warehouseId },
            custodian: { kind: 'warehouse', id: o.warehouseId },
            data: { grade: result.grade, refurbished: true, refurbishmentOrderId: o.id },
            jobs: [job(ItemAvailableForSale, { itemId: o.itemId, grade: result.grade })],
          });
        },
      });
    });
    return this.get(actor, id);
  }

  private grade(definition: Parameters<typeof computeGrade>[0], answers: Record<string, unknown>) {
    try {
      return computeGrade(definition, answers as Answers);
    } catch (err) {
      if (err instanceof InvalidAnswersError) {
        throw new BadRequestException({
          message: `Answers do not fit ${definition.code} v${definition.version}`,
          fields: err.errors.map((e) => ({
            field: `answers.${e.field}`,
            errors: [`${e.code}: ${e.message}`],
          })),
        });
      }
      throw err;
    }
  }

  // ---- item moves ---------------------------------------------------------------------------

  /** The item goes to scrap (back in its warehouse) and recycling gathers it into a lot. */
  private async scrapItem(
    m: EntityManager,
    actor: Actor,
    order: RefurbishmentOrder,
    reason: string,
    qc?: GradeResult,
  ): Promise<void> {
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: order.itemId,
      action: 'scrap',
      actor,
      checkAccess: false,
      patch: {
        custodianKind: 'warehouse',
        custodianId: order.warehouseId,
        ...(qc ? { grade: qc.grade } : {}),
      },
      custodian: { kind: 'warehouse', id: order.warehouseId },
      data: { reason, refurbishmentOrderId: order.id },
      jobs: [
        job(RecyclingRequested, { itemId: order.itemId, warehouseId: order.warehouseId, reason }),
      ],
    });
  }

  private async partnerOf(id: string): Promise<{ kind: string; id: string } | null> {
    const o = await this.orders.findOrder(id);
    return o?.partnerId ? { kind: 'partner', id: o.partnerId } : null;
  }

  // ---- reads --------------------------------------------------------------------------------

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

  private async load(
    m: EntityManager,
    actor: Actor,
    id: string,
    lock = false,
  ): Promise<RefurbishmentOrder> {
    const order = await this.orders.findOrder(id, { lock, manager: m });
    return RefurbishmentOrderAccess.assertVisible(order, actor, id);
  }

  async get(actor: Actor, id: string) {
    const order = RefurbishmentOrderAccess.assertVisible(
      await this.orders.findOrder(id),
      actor,
      id,
    );
    const parts = await this.orders.parts(id);
    return withActions(RefurbishmentMachine, order, actor, orderView(order, parts));
  }

  async list(actor: Actor, filter: RefurbishmentFilter) {
    return mapPage(await this.orders.page(actor, filter), (o) =>
      withActions(RefurbishmentMachine, o, actor, orderView(o, null)),
    );
  }

  /** Where a part serial went in or came out (only in orders the actor may see). */
  async traceSerial(actor: Actor, serial: string) {
    const parts = await this.orders.partsWithSerial(actor, serial.trim());
    return {
      items: parts.map((p) => ({
        ...partView(p),
        direction: p.serialIn?.toUpperCase() === serial.trim().toUpperCase() ? 'in' : 'out',
      })),
    };
  }

  /** Turnaround and outcomes per refurbishment partner (technicians: their own partner only). */
  async performance(actor: Actor, partnerId: string | undefined) {
    const own = actor.role === 'technician' ? (actor.organisationId ?? NIL_UUID) : null;
    const rows = await this.orders.partnerPerformance(own, partnerId ?? null);
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      items: rows.map((r) => ({
        partnerId: r.id,
        name: r.name,
        families: Array.isArray(r.families) ? r.families : [],
        assigned: r.assigned,
        inProgress: r.in_progress,
        awaitingQc: r.awaiting_qc,
        done: r.done,
        unrepairable: r.unrepairable,
        qcPassRate:
          r.qc_passed + r.qc_failed > 0 ? round(r.qc_passed / (r.qc_passed + r.qc_failed)) : null,
        turnaroundHours: {
          average: round(r.avg_hours),
          median: round(r.median_hours),
          max: round(r.max_hours),
        },
        averageRepairCost:
          r.avg_cost === null ? null : { amountMinor: Math.round(r.avg_cost), currency: 'CNY' },
      })),
    };
  }
}
