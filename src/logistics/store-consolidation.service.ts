import { randomUUID } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../core/actor.js';
import type { Item } from '../core/items/item.entity.js';
import { normaliseTraceCode } from '../core/items/trace-code.js';
import type { ShipmentAddress } from '../core/jobs/job-catalogue.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { NoPickupCapacityError } from '../service-areas/engine/promise.js';
import { LogisticsClock } from './clock.js';
import type { CreateConsolidationDto } from './api/logistics.dto.js';
import { PickupBookings } from './data/pickup-bookings.js';
import { PickupRepository } from './data/pickup.repository.js';
import { PickupMachine } from './domain/pickup.machine.js';
import { promiseColumns, windowOf } from './domain/promised-window.js';
import { assertWarehouse } from './courier-work.service.js';
import { PickupSchedulingService } from './pickup-scheduling.service.js';
import { PickupsService } from './pickups.service.js';

/**
 * Store drop-off: store staff hand a sealed bag of their drop-offs to a warehouse as a pickup
 * in the 'store-consolidation' direction, booked and dispatched like any other.
 */
@Injectable()
export class StoreConsolidationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly areas: ServiceAreasService,
    private readonly bookings: PickupBookings,
    private readonly clock: LogisticsClock,
    private readonly pickups: PickupRepository,
    private readonly scheduling: PickupSchedulingService,
    private readonly reads: PickupsService,
  ) {}

  /**
   * A sealed bag of the store's drop-offs for a warehouse: a pickup in the 'store-consolidation'
   * direction, promised and dispatched like any other, with the seal recorded up front.
   */
  async createConsolidation(actor: Actor, dto: CreateConsolidationDto) {
    const storeId = await this.assertStoreStaff(actor);
    const store = await this.areas.storeOfOrganisation(storeId);
    if (!store) {
      throw new ConflictException('This store has no drop-off point set up in the service areas');
    }
    const area = await this.areas.findArea(store.cityCode);
    if (!area) throw new ConflictException(`Store city ${store.cityCode} is not a service area`);
    await assertWarehouse(this.pickups, dto.warehouseId);
    const now = this.clock.now();
    const id = randomUUID();
    const p = await this.dataSource.transaction(async (m) => {
      const items = await this.itemsByTraceCodes(m, dto.traceCodes);
      const notHeld = items.filter(
        (i) => i.state !== 'IN_TRANSIT' || i.custodianKind !== 'store' || i.custodianId !== storeId,
      );
      if (notHeld.length > 0) {
        throw new ConflictException({
          message: `Not held by this store: ${notHeld.map((i) => i.traceCode).join(', ')}`,
          traceCodes: notHeld.map((i) => i.traceCode),
        });
      }
      const [busy] = await this.pickups.openPickupIdsCarrying(
        m,
        items.map((i) => i.id),
      );
      if (busy) throw new ConflictException(`Some items are already on pickup ${busy}`);
      await this.bookings.lockArea(m, area.cityCode);
      const promise = await this.scheduling.promiseIn(m, area, now).catch((err: unknown) => {
        throw err instanceof NoPickupCapacityError ? new ConflictException(err.message) : err;
      });
      const address: ShipmentAddress = {
        cityCode: store.cityCode,
        districtCode: store.districtCode,
        line1: store.address,
        contactName: store.name,
        contactPhone: '',
      };
      return this.transitions.create(PickupMachine, {
        manager: m,
        actor,
        values: {
          id,
          direction: 'store-consolidation',
          sourceKind: 'store-intake',
          sourceId: id,
          customerId: null,
          itemIds: items.map((i) => i.id),
          address,
          areaCode: area.cityCode,
          districtCode: store.districtCode,
          timeZone: area.timeZone,
          warehouseId: dto.warehouseId,
          storeId,
          requestedAt: now,
          specialPackaging: true,
          sealNumber: dto.sealNumber.trim(),
          ...promiseColumns(promise),
          attempt: 1,
          failures: [],
          photoRefs: [],
        },
        custodian: { kind: 'store', id: storeId },
        data: {
          sealNumber: dto.sealNumber.trim(),
          promisedWindow: windowOf({ ...promiseColumns(promise), timeZone: area.timeZone }),
        },
        jobs: (p) => this.scheduling.afterBooking(p),
      });
    });
    return (await this.reads.views(actor, [p]))[0];
  }

  private async assertStoreStaff(actor: Actor): Promise<string> {
    const org = actor.organisationId
      ? await this.pickups.findOrganisation(actor.organisationId)
      : null;
    if (!org || org.kind !== 'store') throw new ForbiddenException('Only store staff may do this');
    return org.id;
  }

  private async itemsByTraceCodes(m: EntityManager, traceCodes: string[]): Promise<Item[]> {
    const codes = traceCodes.map((c) => normaliseTraceCode(c) ?? c.toUpperCase());
    const items = await this.pickups.itemsByTraceCodes(m, codes);
    const found = new Set(items.map((i) => i.traceCode));
    const unknown = [...new Set(codes.filter((c) => !found.has(c)))];
    if (unknown.length > 0) {
      throw new BadRequestException({
        message: `Unknown trace codes: ${unknown.join(', ')}`,
        fields: [{ field: 'traceCodes', errors: unknown.map((c) => `unknown trace code ${c}`) }],
      });
    }
    return items;
  }
}
