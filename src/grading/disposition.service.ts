import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  type DisposeItem,
  ItemAvailableForSale,
  RecyclingRequested,
  RefurbishmentRequested,
  type SecondGradingRequested,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { InspectionRepository } from './data/inspection.repository.js';
import { InspectionMachine } from './domain/inspection.machine.js';

const DISPOSITION = {
  premium: 'make-available',
  good: 'send-to-refurbishment',
  scrap: 'scrap',
} as const;

/**
 * What other stages' decisions do to a graded item (job-driven): acquisition parks a report for
 * a second grader, and an item the platform owns is routed by its grade.
 */
@Injectable()
export class DispositionService {
  private readonly logger = new Logger(DispositionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: InspectionRepository,
    private readonly transitions: TransitionService,
  ) {}

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
