import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { SchedulePickup, type ShipmentAddress } from '../core/jobs/job-catalogue.js';
import { job, type OutboxJob } from '../core/jobs/job-definition.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { merchantEvent } from './merchant-events.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import type { AddressDto } from '../core/http/address.dto.js';
import type { RebookReturnDto, ReturnRequestDto } from './api/resale.dto.js';
import type { SaleOrder } from './data/resale.entities.js';
import { SaleOrderMachine } from './domain/resale.machines.js';
import { SaleOrdersService, toAddress } from './sale-orders.service.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';

/**
 * A buyer's return, as people drive it: the buyer's request and its reverse pickup, and after a
 * pickup that failed for good a rebooking or the buyer keeping the item (the buyer, support or
 * an admin). What logistics and grading report about it (the return shipment's updates, the
 * re-inspection that decides the refund) is `SaleReturnEventsService`.
 */
@Injectable()
export class SaleReturnsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly saleOrders: SaleOrderRepository,
    private readonly catalog: CatalogService,
    private readonly areas: ServiceAreasService,
    private readonly orders: SaleOrdersService,
  ) {}

  /** 400 naming the field when couriers cannot collect from the address. */
  private async returnAddress(
    current: SaleOrder,
    given: AddressDto | undefined,
  ): Promise<ShipmentAddress> {
    const address = given ? toAddress(given) : (current.returnAddress ?? current.shippingAddress);
    const coverage = await this.areas.checkCoverage(address);
    if (!coverage.covered) {
      throw new BadRequestException({
        message: `Couriers cannot collect from this address: ${coverage.message}`,
        fields: coverage.fields.map((f) => ({
          field: given ? `address.${f}` : `shippingAddress.${f}`,
          errors: [coverage.message],
        })),
      });
    }
    return address;
  }

  private async returnPickupJob(
    o: SaleOrder,
    address: ShipmentAddress,
    requestedAt: Date,
    round: number,
  ): Promise<OutboxJob> {
    const item = await this.saleOrders.itemOf(o.itemId);
    const path = item.categoryId ? await this.catalog.path(item.categoryId) : [];
    return job(SchedulePickup, {
      direction: 'buyer-return',
      source: { kind: 'sale-order', id: o.id },
      customerId: o.buyerId,
      itemIds: [o.itemId],
      address,
      warehouseId: null,
      requestedAt: requestedAt.toISOString(),
      specialPackaging: path[0]?.code === 'luxury',
      ...(round > 1 ? { round } : {}),
    });
  }

  /** Within the window: a reverse pickup from the buyer's address, the item on its way back. */
  async requestReturn(actor: Actor, id: string, dto: ReturnRequestDto): Promise<SaleOrder> {
    const current = await this.orders.get(actor, id);
    const address = await this.returnAddress(current, dto.address);
    const requestedAt = new Date();
    const pickup = await this.returnPickupJob(current, address, requestedAt, 1);
    return this.dataSource.transaction(async (m) => {
      const order = await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id,
        action: 'request-return',
        actor,
        expectedVersion: dto.version,
        patch: { returnRequestedAt: requestedAt, returnReason: dto.reason, returnAddress: address },
        data: { reason: dto.reason },
        jobs: (o): OutboxJob[] => [
          pickup,
          merchantEvent(o, 'sale-order.return-requested', { reason: dto.reason }),
        ],
      });
      await this.transitions.apply(ItemMachine, {
        manager: m,
        id: order.itemId,
        action: 'return-by-buyer',
        actor,
        checkAccess: false,
        custodian: { kind: 'buyer', id: order.buyerId },
        data: { saleOrderId: order.id },
      });
      return order;
    });
  }

  /**
   * The return pickup failed for good (its attempts ran out): book a new one (the next round,
   * optionally from another address) — the buyer, support or an admin.
   */
  async rebookReturn(actor: Actor, id: string, dto: RebookReturnDto): Promise<SaleOrder> {
    const current = await this.orders.get(actor, id);
    const address = await this.returnAddress(current, dto.address);
    const requestedAt = new Date();
    const round = current.returnRound + 1;
    const pickup = await this.returnPickupJob(current, address, requestedAt, round);
    return this.transitions.apply(SaleOrderMachine, {
      id,
      action: 'rebook-return',
      actor,
      expectedVersion: dto.version ?? current.version,
      patch: { returnAddress: address, returnRound: round, returnPickupId: null },
      data: { round, note: dto.note ?? null },
      jobs: () => [pickup],
    });
  }

  /** The return pickup failed for good and the buyer keeps the item after all. */
  async withdrawReturn(actor: Actor, id: string, dto: RebookReturnDto): Promise<SaleOrder> {
    await this.orders.get(actor, id);
    return this.dataSource.transaction(async (m) => {
      const order = await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id,
        action: 'withdraw-return',
        actor,
        expectedVersion: dto.version,
        data: { note: dto.note ?? null },
      });
      await this.transitions.apply(ItemMachine, {
        manager: m,
        id: order.itemId,
        action: 'keep-by-buyer',
        actor: SYSTEM_ACTOR,
        custodian: { kind: 'buyer', id: order.buyerId },
        data: { saleOrderId: order.id },
      });
      return order;
    });
  }
}
