import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { computeGrade, InvalidAnswersError } from '../catalog/standards/grade-engine.js';
import type { Answers } from '../catalog/standards/standard.js';
import type { Actor } from '../core/actor.js';
import { stateConflict } from '../core/errors.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { ItemAvailableForSale } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { AssignRefurbishmentDto, QcDto } from './api/refurbishment.dto.js';
import { RefurbishmentOrderRepository } from './data/refurbishment-order.repository.js';
import { qcPasses } from './domain/repair-economics.js';
import { RefurbishmentMachine } from './domain/refurbishment.machine.js';
import { RefurbishmentService } from './refurbishment.service.js';
import { scrapItem } from './scrap-item.js';

/**
 * What the warehouse (or an admin) decides on an order: who repairs one left OPEN (a partner
 * named by hand, or the least loaded competent one), and QC — a re-inspection under the item's
 * standard whose grade makes the item available (ItemAvailableForSale) or sends it to scrap
 * (RecyclingRequested).
 */
@Injectable()
export class RefurbishmentDecisions {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly standards: GradingStandardsService,
    private readonly orders: RefurbishmentOrderRepository,
    private readonly refurbishments: RefurbishmentService,
  ) {}

  /** An order left OPEN (no competent partner had room) assigned by hand or to the least loaded. */
  async assign(actor: Actor, id: string, dto: AssignRefurbishmentDto) {
    await this.dataSource.transaction(async (m) => {
      const order = await this.refurbishments.load(m, actor, id);
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
        partnerId = (await this.orders.leastLoadedPartner(m, order.categoryFamily))?.id;
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
    return this.refurbishments.get(actor, id);
  }

  /** QC: the warehouse re-inspects under the item's standard; the grade decides pass or fail. */
  async qc(actor: Actor, id: string, dto: QcDto) {
    await this.dataSource.transaction(async (m) => {
      const order = await this.refurbishments.load(m, actor, id);
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
            await scrapItem(
              this.transitions,
              mm,
              actor,
              o,
              `failed QC after repair: ${verdict.reason}`,
              result,
            );
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
    return this.refurbishments.get(actor, id);
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
}
