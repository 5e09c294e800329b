import { InspectionAccess } from './domain/access.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR } from '../core/actor.js';
import { NotFound, stateConflict } from '../core/errors.js';
import { toPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { ItemsService } from '../core/items/items.service.js';
import {
  CheckVehicleMileage,
  DisposeItem,
  ItemAvailableForSale,
  ItemGraded,
  RecyclingRequested,
  RefurbishmentRequested,
  ReturnInspected,
  SecondGradingRequested,
  type SourceRef,
} from '../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GradingStandardRow } from '../catalog/grading-standard.entity.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { CalibrationService } from './calibration.service.js';
import { InspectionRepository } from './data/inspection.repository.js';
import type { GradeResult } from '../catalog/standards/grade-engine.js';
import { gradeAnswers, gradeFindings } from '../catalog/standards/grade-answers.js';
import type { JobPayload } from '../core/jobs/job-definition.js';
import type { Inspection } from './data/inspection.entity.js';
import { InspectionMachine } from './domain/inspection.machine.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import {
  conditionReport,
  type VehicleConditionReport,
} from '../catalog/standards/vehicle-condition.js';
import { PhotosService } from '../photos/photos.service.js';
import type { GradingStandard } from '../catalog/standards/standard.js';
import type {
  CompleteInspectionDto,
  ConfirmDto,
  InspectionQuery,
  ReinspectDto,
} from './api/inspections.dto.js';

/**
 * A car's GB/T 30323 condition (level, accident grade, section points) beside the grade: from
 * the section points an item-by-item report computed, or a version 1 report's typed totals.
 */
function vehicleCondition(
  code: string | null,
  answers: Record<string, unknown>,
  report: GradeResult | null,
): VehicleConditionReport | null {
  if (code !== 'vehicle' || !report) return null;
  return conditionReport(answers, report.sections);
}

function reportView(report: GradeResult | null) {
  return report ? reportFields(report) : null;
}

/** A report's fields (a preview always has a report: its fields are not optional there). */
function reportFields(report: GradeResult) {
  return {
    grade: report.grade,
    hold: report.hold,
    score: report.score,
    sections: report.sections ?? null,
    summary: report.summary,
    reasons: report.reasons,
    findings: report.findings,
    rules: report.rules,
  };
}

export function inspectionView(
  i: Inspection,
  item: Pick<Item, 'traceCode' | 'categoryId' | 'productModelId'> | null,
) {
  return {
    id: i.id,
    itemId: i.itemId,
    item: item
      ? {
          traceCode: item.traceCode,
          categoryId: item.categoryId,
          productModelId: item.productModelId,
        }
      : null,
    warehouseId: i.warehouseId,
    supersedesId: i.supersedesId,
    reason: i.reason,
    standard: i.standardId
      ? {
          id: i.standardId,
          code: i.standardCode,
          version: i.standardVersion,
          fingerprint: i.standardFingerprint,
        }
      : null,
    graderId: i.graderId,
    claimedAt: i.claimedAt,
    completedAt: i.completedAt,
    answers: i.answers,
    photos: i.photos,
    notes: i.notes,
    grade: i.grade,
    hold: i.hold,
    report: reportView(i.report),
    vehicleCondition: i.answers ? vehicleCondition(i.standardCode, i.answers, i.report) : null,
    secondGrading: i.secondGrading,
    secondGraderId: i.secondGraderId,
    confirmedBySecondGrader: i.confirmedBySecondGrader,
    createdAt: i.createdAt,
  };
}

const DISPOSITION = {
  premium: 'make-available',
  good: 'send-to-refurbishment',
  scrap: 'scrap',
} as const;

/**
 * Inspection and grading (spec §3): the per-warehouse queue, claim, grade under the bound
 * standard version, the fairness guard's second grader, re-inspection, and disposition.
 */
@Injectable()
export class InspectionsService {
  private readonly logger = new Logger(InspectionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: InspectionRepository,
    private readonly transitions: TransitionService,
    private readonly catalog: CatalogService,
    private readonly standards: GradingStandardsService,
    private readonly calibration: CalibrationService,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly photos: PhotosService,
    private readonly items: ItemsService,
  ) {}

  // ---- opening (from receiving) ----------------------------------------------------------

  /**
   * Puts a received item in the warehouse's queue, in the caller's transaction. An item already
   * waiting keeps its inspection; an earlier finished report (a buyer's return) is superseded.
   */
  async open(
    manager: EntityManager,
    actor: Actor,
    itemId: string,
    warehouseId: string,
    reason: string | null,
    source: SourceRef | null = null,
  ): Promise<Inspection> {
    const current = await this.repo.current(manager, itemId);
    if (current && (current.state === 'PENDING' || current.state === 'IN_PROGRESS')) return current;
    if (current) {
      await this.transitions.apply(InspectionMachine, {
        manager,
        id: current.id,
        action: 'supersede',
        actor,
        checkAccess: false,
        data: { reason },
      });
    }
    return this.transitions.create(InspectionMachine, {
      manager,
      actor,
      values: {
        itemId,
        warehouseId,
        supersedesId: current?.id ?? null,
        reason: current ? reason : null,
        source,
        photos: [],
        confirmedBySecondGrader: false,
      },
      data: { warehouseId, supersedesId: current?.id ?? null },
    });
  }

  // ---- reads ------------------------------------------------------------------------------

  private async load(manager: EntityManager, actor: Actor, id: string): Promise<Inspection> {
    const inspection = await this.repo.findInspection(id, manager);
    return InspectionAccess.assertVisible(inspection, actor, id);
  }

  /** A report under blind re-grade is not found for the graders who might re-grade it. */
  private async loadReadable(actor: Actor, id: string): Promise<Inspection> {
    const inspection = await this.load(this.dataSource.manager, actor, id);
    if (!(await this.repo.readable(actor, id))) throw new NotFound('Inspection', id);
    return inspection;
  }

  private async item(manager: EntityManager, id: string): Promise<Item> {
    return this.repo.itemOrFail(manager, id);
  }

  async view(actor: Actor, inspection: Inspection) {
    const item = await this.repo.findItem(inspection.itemId);
    // On the bench: a car's mileage flag and its evidence, before the grader reads the dial.
    const car = item?.vin ? (await this.vehicles.flagsForItems([item.id])).get(item.id) : null;
    return withActions(InspectionMachine, inspection, actor, {
      ...inspectionView(inspection, item),
      vehicle: car ?? null,
      // The uploaded photos among the answers and `photos`, in the order they were given.
      attachedPhotos: await this.photos.forSubject(actor, 'inspection', inspection.id),
    });
  }

  /**
   * Attaches the uploaded photos a report names — in its photo checks' answers and in `photos` —
   * to the inspection, in the caller's transaction. A reference in the form of an id must be a
   * photo this warehouse uploaded for an inspection (400 naming the answer otherwise); other
   * references (storage keys of integrations that keep their own pictures) pass as before.
   */
  private async attachPhotos(
    manager: EntityManager,
    actor: Actor,
    inspectionId: string,
    standard: GradingStandard,
    answers: Record<string, unknown>,
    extra: string[],
  ): Promise<void> {
    const groups: Array<[string, unknown[]]> = standard.checks
      .filter((c) => c.kind === 'photo' && Array.isArray(answers[c.id]))
      .map((c) => [`answers.${c.id}`, answers[c.id] as unknown[]]);
    groups.push(['photos', extra]);
    let position = 0;
    for (const [field, refs] of groups) {
      const attached = await this.photos.attach(manager, actor, 'inspection', inspectionId, refs, {
        field,
        position,
        allowReferences: true,
      });
      position += attached.length;
    }
  }

  async get(actor: Actor, id: string) {
    return this.view(actor, await this.loadReadable(actor, id));
  }

  /** The queue (oldest first): staff see their own warehouse, admin and support every one. */
  async list(actor: Actor, query: InspectionQuery) {
    const limit = query.limit ?? 50;
    const rows = await this.repo.queue(actor, query, limit);
    const items = await this.repo.items([...new Set(rows.map((r) => r.itemId))]);
    const byId = new Map(items.map((it) => [it.id, it]));
    return toPage(rows, limit, (i) =>
      withActions(InspectionMachine, i, actor, inspectionView(i, byId.get(i.itemId) ?? null)),
    );
  }

  /** The standard in force for the item's leaf category: its latest published version. */
  private async standardFor(manager: EntityManager, inspection: Inspection, actor: Actor) {
    const item = await this.item(manager, inspection.itemId);
    if (!item.categoryId) {
      throw stateConflict(
        InspectionMachine,
        inspection,
        actor,
        'The item has no category, so no standard applies',
      );
    }
    // Reference data, read through its short cache rather than in this transaction.
    const leaf = await this.catalog.getLeaf(item.categoryId);
    const standard = await this.standards.latest(leaf.standardCode);
    if (!standard) {
      throw stateConflict(
        InspectionMachine,
        inspection,
        actor,
        `No grading standard ${leaf.standardCode} is published`,
      );
    }
    return { item, leaf, standard };
  }

  // ---- the grader's actions ---------------------------------------------------------------

  /** One grader at a time: of concurrent claims one wins, the others get 409. */
  async claim(actor: Actor, id: string, version?: number) {
    const updated = await this.dataSource.transaction(async (manager) => {
      const inspection = await this.load(manager, actor, id);
      if (inspection.state !== 'PENDING') {
        throw stateConflict(
          InspectionMachine,
          inspection,
          actor,
          `Cannot claim an Inspection that is ${inspection.state}`,
        );
      }
      const { standard } = await this.standardFor(manager, inspection, actor);
      return this.transitions.apply(InspectionMachine, {
        manager,
        id,
        current: inspection,
        action: 'claim',
        actor,
        expectedVersion: version,
        patch: {
          graderId: actor.userId,
          claimedAt: new Date(),
          standardId: standard.id,
          standardCode: standard.code,
          standardVersion: standard.version,
          standardFingerprint: standard.fingerprint,
        },
        data: {
          graderId: actor.userId,
          standard: { code: standard.code, version: standard.version },
        },
      });
    });
    return this.view(actor, updated);
  }

  async release(actor: Actor, id: string, version?: number) {
    const updated = await this.transitions.apply(InspectionMachine, {
      id,
      action: 'release',
      actor,
      expectedVersion: version,
      patch: {
        graderId: null,
        claimedAt: null,
        standardId: null,
        standardCode: null,
        standardVersion: null,
        standardFingerprint: null,
      },
    });
    return this.view(actor, updated);
  }

  /** What the answers would grade to, without saving (the console shows it before submitting). */
  async preview(actor: Actor, id: string, answers: Record<string, unknown>, partial = false) {
    const manager = this.dataSource.manager;
    const inspection = await this.load(manager, actor, id);
    const standard: GradingStandardRow = inspection.standardId
      ? await this.standards.get(inspection.standardId, manager)
      : (await this.standardFor(manager, inspection, actor)).standard;
    const result = gradeAnswers(standard.definition, answers, { allowMissing: partial });
    const answered = new Set(
      Object.entries(answers)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k]) => k),
    );
    return {
      inspectionId: inspection.id,
      missing: standard.definition.checks
        .filter((c) => c.required && !answered.has(c.id))
        .map((c) => c.id),
      standard: {
        id: standard.id,
        code: standard.code,
        version: standard.version,
        fingerprint: standard.fingerprint,
      },
      ...reportFields(result),
      vehicleCondition: vehicleCondition(standard.definition.code, answers, result),
    };
  }

  async complete(actor: Actor, id: string, dto: CompleteInspectionDto) {
    const updated = await this.dataSource.transaction(async (manager) => {
      const inspection = await this.load(manager, actor, id);
      if (inspection.state !== 'IN_PROGRESS' || !inspection.standardId) {
        throw stateConflict(
          InspectionMachine,
          inspection,
          actor,
          `Cannot complete an Inspection that is ${inspection.state}`,
        );
      }
      if (inspection.graderId !== actor.userId) {
        throw stateConflict(
          InspectionMachine,
          inspection,
          actor,
          'Cannot complete: another grader is working on it',
        );
      }
      const standard = await this.standards.get(inspection.standardId);
      const result = gradeAnswers(standard.definition, dto.answers);
      const item = await this.item(manager, inspection.itemId);
      const category = item.categoryId ? await this.catalog.getCategory(item.categoryId) : null;
      // A re-grade opened by the fairness guard is itself the second grader's judgement.
      const bySecondGrader = inspection.excludedGraderId !== null;
      const completedAt = new Date();
      const photos = dto.photos ?? [];
      await this.attachPhotos(
        manager,
        actor,
        inspection.id,
        standard.definition,
        dto.answers,
        photos,
      );
      return this.transitions.apply(InspectionMachine, {
        manager,
        id,
        current: inspection,
        action: 'complete',
        actor,
        expectedVersion: dto.version,
        patch: {
          answers: dto.answers,
          photos,
          notes: dto.notes ?? null,
          grade: result.grade,
          hold: result.hold,
          report: result,
          completedAt,
          confirmedBySecondGrader: bySecondGrader,
          ...(bySecondGrader ? { secondGraderId: actor.userId } : {}),
        },
        // The report, frozen into the item's hash-chained history.
        data: {
          inspectionId: inspection.id,
          supersedesId: inspection.supersedesId,
          standard: {
            id: standard.id,
            code: standard.code,
            version: standard.version,
            fingerprint: standard.fingerprint,
          },
          graderId: actor.userId,
          answers: dto.answers,
          photos,
          notes: dto.notes ?? null,
          grade: result.grade,
          hold: result.hold,
          score: result.score,
          summary: result.summary,
          reasons: result.reasons,
          findings: gradeFindings(result),
        },
        jobs: [
          ...this.afterGrading(inspection, result, bySecondGrader),
          // A car's odometer reading goes into its mileage history and is checked at once.
          ...(item.vin
            ? [
                job(CheckVehicleMileage, {
                  vin: item.vin,
                  itemIds: [item.id],
                  trigger: 'inspection' as const,
                }),
              ]
            : []),
        ],
        effects: async (m, entity) => {
          await this.items.setGrade(m, entity.itemId, result.grade);
          if (category) await this.calibration.maybeOpen(m, entity, category.code);
        },
      });
    });
    return this.view(actor, updated);
  }

  /** The fairness guard: a different grader of the warehouse confirms the parked report. */
  async confirm(actor: Actor, id: string, dto: ConfirmDto) {
    const updated = await this.dataSource.transaction(async (manager) => {
      const inspection = await this.load(manager, actor, id);
      return this.transitions.apply(InspectionMachine, {
        manager,
        id,
        action: 'confirm',
        actor,
        expectedVersion: dto.version,
        patch: (e) => ({
          secondGraderId: actor.userId,
          confirmedBySecondGrader: true,
          secondGrading: e.secondGrading
            ? { ...e.secondGrading, confirmedAt: new Date().toISOString() }
            : null,
        }),
        data: { confirmedBy: actor.userId, grade: inspection.grade, notes: dto.notes ?? null },
        jobs: (e) => (e.report ? this.afterGrading(e, e.report, true) : []),
      });
    });
    return this.view(actor, updated);
  }

  /**
   * A re-inspection: the finished report moves to SUPERSEDED untouched and a new PENDING
   * inspection links to it. Parked for a second grader, the first grader may not take it.
   */
  async reinspect(actor: Actor, id: string, dto: ReinspectDto) {
    const created = await this.dataSource.transaction(async (manager) => {
      const inspection = await this.load(manager, actor, id);
      const item = await this.item(manager, inspection.itemId);
      if (item.state !== 'RECEIVED') {
        throw stateConflict(
          InspectionMachine,
          inspection,
          actor,
          `Cannot re-inspect: the item is ${item.state}, no longer waiting in the warehouse`,
        );
      }
      const excluded = inspection.state === 'AWAITING_SECOND_GRADER' ? inspection.graderId : null;
      await this.transitions.apply(InspectionMachine, {
        manager,
        id,
        action: 'supersede',
        actor,
        expectedVersion: dto.version,
        data: { reason: dto.reason },
      });
      return this.transitions.create(InspectionMachine, {
        manager,
        actor,
        values: {
          itemId: inspection.itemId,
          warehouseId: inspection.warehouseId,
          supersedesId: inspection.id,
          reason: dto.reason,
          source: inspection.source,
          excludedGraderId: excluded,
          photos: [],
          confirmedBySecondGrader: false,
        },
        data: { supersedesId: inspection.id, reason: dto.reason },
      });
    });
    return this.view(actor, created);
  }

  /**
   * Who hears about a grade: a trade-in's final offer waits on acquisition (ItemGraded); a
   * buyer's return is compared with the grade it was sold as (ReturnInspected) and, being the
   * platform's already, routed at once (DisposeItem).
   */
  private afterGrading(
    inspection: Inspection,
    result: GradeResult,
    confirmedBySecondGrader: boolean,
  ): OutboxJob[] {
    if (inspection.source?.kind === 'sale-order') {
      return [
        job(ReturnInspected, {
          itemId: inspection.itemId,
          inspectionId: inspection.id,
          grade: result.grade,
          source: inspection.source,
        }),
        job(DisposeItem, { itemId: inspection.itemId }),
      ];
    }
    return [job(ItemGraded, this.gradedPayload(inspection, result, confirmedBySecondGrader))];
  }

  private gradedPayload(
    inspection: Inspection,
    result: GradeResult,
    confirmedBySecondGrader: boolean,
  ): JobPayload<typeof ItemGraded> {
    return {
      itemId: inspection.itemId,
      inspectionId: inspection.id,
      grade: result.grade,
      standardCode: result.standardCode,
      standardVersion: result.standardVersion,
      findings: gradeFindings(result),
      hold: result.hold,
      confirmedBySecondGrader,
    };
  }

  // ---- job handlers -----------------------------------------------------------------------

  /** Acquisition saw a large price cut: park the report until a second grader confirms it. */
  async onSecondGradingRequested(
    payload: JobPayload<typeof SecondGradingRequested>,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const inspection = await this.repo.lockInspection(manager, payload.inspectionId);
      if (!inspection || inspection.itemId !== payload.itemId) {
        throw new Error(`Inspection ${payload.inspectionId} of item ${payload.itemId} not found`);
      }
      // Already parked, already confirmed, or replaced by a newer report: nothing to do.
      if (inspection.state !== 'COMPLETED' || inspection.confirmedBySecondGrader) {
        this.logger.log(`Second grading of ${inspection.id} skipped (${inspection.state})`);
        return;
      }
      await this.transitions.apply(InspectionMachine, {
        manager,
        id: inspection.id,
        action: 'request-second-grading',
        actor: SYSTEM_ACTOR,
        patch: {
          secondGrading: {
            quotedMinor: payload.quotedMinor,
            finalMinor: payload.finalMinor,
            requestedAt: new Date().toISOString(),
          },
        },
        data: { quotedMinor: payload.quotedMinor, finalMinor: payload.finalMinor },
      });
    });
  }

  /** The platform owns the item: premium → available, good → refurbishment, scrap → recycling. */
  async onDisposeItem(payload: JobPayload<typeof DisposeItem>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const item = await this.repo.lockItem(manager, payload.itemId);
      if (!item) throw new Error(`Item ${payload.itemId} not found`);
      if (item.state !== 'RECEIVED') return; // routed already (a repeated job)
      const inspection = await this.repo.current(manager, item.id);
      if (!item.grade || inspection?.state !== 'COMPLETED') {
        throw new Error(`Item ${item.id} has no finished inspection yet`);
      }
      const grade = item.grade;
      const next: Record<typeof grade, OutboxJob> = {
        premium: job(ItemAvailableForSale, { itemId: item.id, grade }),
        good: job(RefurbishmentRequested, {
          itemId: item.id,
          inspectionId: inspection.id,
          warehouseId: inspection.warehouseId,
        }),
        scrap: job(RecyclingRequested, {
          itemId: item.id,
          warehouseId: inspection.warehouseId,
          reason: `graded scrap (inspection ${inspection.id})`,
        }),
      };
      await this.transitions.apply(ItemMachine, {
        manager,
        id: item.id,
        action: DISPOSITION[grade],
        actor: SYSTEM_ACTOR,
        data: { grade, inspectionId: inspection.id },
        jobs: [next[grade]],
      });
    });
  }
}
