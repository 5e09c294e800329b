import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { stateConflict } from '../core/errors.js';
import type { Item } from '../core/items/item.entity.js';
import { ItemsService } from '../core/items/items.service.js';
import { CheckVehicleMileage, type SourceRef } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { GradingStandardRow } from '../catalog/data/grading-standard.entity.js';
import { GradingStandardsService } from '../catalog/grading-standards.service.js';
import { gradeAnswers, gradeFindings } from '../catalog/standards/grade-answers.js';
import type { GradingStandard } from '../catalog/standards/standard.js';
import { PhotosService } from '../photos/photos.service.js';
import type { CompleteInspectionDto, ConfirmDto, ReinspectDto } from './api/inspections.dto.js';
import { CalibrationService } from './calibration.service.js';
import type { Inspection } from './data/inspection.entity.js';
import { InspectionRepository } from './data/inspection.repository.js';
import { afterGrading } from './domain/grading-outcome.js';
import { reportFields, vehicleCondition } from './domain/inspection-view.js';
import { InspectionMachine } from './domain/inspection.machine.js';
import { InspectionQueueService } from './inspection-queue.service.js';

/**
 * Inspection and grading (spec §3), the actors' side: an item received joins the queue; a grader
 * claims it, grades under the bound standard version; the fairness guard's second grader
 * confirms; a finished report is superseded by a re-inspection. Reads are InspectionQueueService,
 * what follows from other stages' decisions DispositionService.
 */
/** 409 for an action the inspection cannot take now, with what the actor may do instead. */
const inspectionConflict = (inspection: Inspection, actor: Actor, message: string) =>
  stateConflict(InspectionMachine, inspection, actor, message);

@Injectable()
export class InspectionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: InspectionRepository,
    private readonly transitions: TransitionService,
    private readonly catalog: CatalogService,
    private readonly standards: GradingStandardsService,
    private readonly calibration: CalibrationService,
    private readonly queue: InspectionQueueService,
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

  private load(manager: EntityManager, actor: Actor, id: string): Promise<Inspection> {
    return this.queue.load(manager, actor, id);
  }

  private async item(manager: EntityManager, id: string): Promise<Item> {
    return this.repo.itemOrFail(manager, id);
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

  /** The standard in force for the item's leaf category: its latest published version. */
  private async standardFor(manager: EntityManager, inspection: Inspection, actor: Actor) {
    const item = await this.item(manager, inspection.itemId);
    if (!item.categoryId) {
      throw inspectionConflict(
        inspection,
        actor,
        'The item has no category, so no standard applies',
      );
    }
    // Reference data, read through its short cache rather than in this transaction.
    const leaf = await this.catalog.getLeaf(item.categoryId);
    const standard = await this.standards.latest(leaf.standardCode);
    if (!standard) {
      throw inspectionConflict(
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
        throw inspectionConflict(
          inspection,
          actor,
          `Cannot claim an Inspection that is ${inspection.state}`,
        );
      }
      const { item, standard } = await this.standardFor(manager, inspection, actor);
      const claimed = await this.transitions.apply(InspectionMachine, {
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
      // Claiming does not change the item: the view shows it as read here.
      return { claimed, item };
    });
    return this.queue.view(actor, updated.claimed, updated.item);
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
    return this.queue.view(actor, updated);
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
        throw inspectionConflict(
          inspection,
          actor,
          `Cannot complete an Inspection that is ${inspection.state}`,
        );
      }
      if (inspection.graderId !== actor.userId) {
        throw inspectionConflict(
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
          ...afterGrading(inspection, result, bySecondGrader),
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
    return this.queue.view(actor, updated);
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
        jobs: (e) => (e.report ? afterGrading(e, e.report, true) : []),
      });
    });
    return this.queue.view(actor, updated);
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
        throw inspectionConflict(
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
    return this.queue.view(actor, created);
  }
}
