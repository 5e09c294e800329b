import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import type { Item } from '../core/items/item.entity.js';
import { toPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import { PhotosService } from '../photos/photos.service.js';
import type { InspectionQuery } from './api/inspections.dto.js';
import type { Inspection } from './data/inspection.entity.js';
import { InspectionRepository } from './data/inspection.repository.js';
import { InspectionAccess } from './domain/access.js';
import { inspectionView } from './domain/inspection-view.js';
import { InspectionMachine } from './domain/inspection.machine.js';

/**
 * The inspections as graders, support and admins read them: the per-warehouse queue and one
 * report with its item, a car's mileage flag and the attached photos. Blind re-grades hide the
 * report they re-grade from the graders who might take them.
 */
@Injectable()
export class InspectionQueueService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: InspectionRepository,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly photos: PhotosService,
  ) {}

  /** The inspection, 404 unless the actor may see it. */
  async load(manager: EntityManager, actor: Actor, id: string): Promise<Inspection> {
    const inspection = await this.repo.findInspection(id, manager);
    return InspectionAccess.assertVisible(inspection, actor, id);
  }

  /** A report under blind re-grade is not found for the graders who might re-grade it. */
  private async loadReadable(actor: Actor, id: string): Promise<Inspection> {
    const inspection = await this.load(this.dataSource.manager, actor, id);
    if (!(await this.repo.readable(actor, id))) throw new NotFound('Inspection', id);
    return inspection;
  }

  /** `item`: the inspection's item when the caller read it in the step that just committed. */
  async view(actor: Actor, inspection: Inspection, item?: Item | null) {
    item ??= await this.repo.findItem(inspection.itemId);
    // On the bench: a car's mileage flag and its evidence, before the grader reads the dial.
    const car = item?.vin ? (await this.vehicles.flagsForItems([item.id])).get(item.id) : null;
    return withActions(InspectionMachine, inspection, actor, {
      ...inspectionView(inspection, item),
      vehicle: car ?? null,
      // The uploaded photos among the answers and `photos`, in the order they were given.
      attachedPhotos: await this.photos.forSubject(actor, 'inspection', inspection.id),
    });
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
}
