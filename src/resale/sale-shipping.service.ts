import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { NotifyOwner } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { merchantEvent } from './merchant-events.js';
import { ValuationService } from '../valuation/valuation.service.js';
import type { DeclareLostDto, ShipDto } from './api/resale.dto.js';
import type { SaleOrder, SaleOrderState } from './data/resale.entities.js';
import { SaleOrderMachine } from './domain/resale.machines.js';
import { priceRefundedNotice, refundColumns, SaleRefundsService } from './sale-refunds.service.js';
import { SaleOrdersService } from './sale-orders.service.js';
import { CarrierAccountRepository } from './data/carrier-account.repository.js';
import { SaleOrderRepository } from './data/sale-order.repository.js';

/**
 * A paid order on its way: the merchant ships it (and may ask the buyer to confirm delivery),
 * the buyer confirms delivery or the carrier's signed tracking event proves it (one code path for
 * both), and support, an admin or the carrier declares the parcel lost (full refund, the item
 * written off).
 */
@Injectable()
export class SaleShippingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly saleOrders: SaleOrderRepository,
    private readonly carrierAccounts: CarrierAccountRepository,
    private readonly transitions: TransitionService,
    private readonly valuation: ValuationService,
    private readonly items: ItemsService,
    private readonly orders: SaleOrdersService,
    private readonly refunds: SaleRefundsService,
  ) {}

  async ship(actor: Actor, id: string, dto: ShipDto): Promise<SaleOrder> {
    let carrier = dto.carrier;
    if (dto.carrierAccountId) {
      const account = await this.carrierAccounts.carrierOf(dto.carrierAccountId);
      if (!account?.active) {
        throw new BadRequestException({
          message: 'Invalid input: carrierAccountId is not an active carrier account',
          fields: [{ field: 'carrierAccountId', errors: ['is not an active carrier account'] }],
        });
      }
      carrier = carrier ?? account.carrier;
    }
    if (!carrier) {
      throw new BadRequestException({
        message: 'Invalid input: carrier is required without a carrierAccountId',
        fields: [{ field: 'carrier', errors: ['is required without a carrierAccountId'] }],
      });
    }
    return this.transitions.apply(SaleOrderMachine, {
      id,
      action: 'ship',
      actor,
      expectedVersion: dto.version,
      patch: {
        carrier,
        carrierAccountId: dto.carrierAccountId ?? null,
        trackingNumber: dto.trackingNumber,
        shippedAt: new Date(),
      },
      data: {
        carrier,
        carrierAccountId: dto.carrierAccountId ?? null,
        trackingNumber: dto.trackingNumber,
      },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-shipped',
          params: { saleOrderId: o.id, carrier, trackingNumber: dto.trackingNumber },
        }),
      ],
    });
  }

  /** The merchant cannot confirm delivery itself; it may ask the buyer to confirm it. */
  async requestDeliveryConfirmation(actor: Actor, id: string, version?: number) {
    const at = new Date();
    return this.transitions.apply(SaleOrderMachine, {
      id,
      action: 'request-delivery-confirmation',
      actor,
      expectedVersion: version,
      patch: { deliveryConfirmationRequestedAt: at },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-confirm-delivery',
          params: { saleOrderId: o.id, carrier: o.carrier, trackingNumber: o.trackingNumber },
        }),
      ],
    });
  }

  /** The buyer confirms they have the item. */
  async confirmDelivery(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    return this.dataSource.transaction((m) =>
      this.deliver(m, id, actor, { proof: 'buyer', eventId: null, at: new Date() }, version),
    );
  }

  /**
   * Delivered — the one code path for both proofs (the carrier's signed tracking event or the
   * buyer's confirmation): custody passes to the buyer, the return window starts at the proven
   * time, and the sale joins the valuation history.
   */
  private async deliver(
    m: EntityManager,
    id: string,
    actor: Actor,
    proof: { proof: 'carrier' | 'buyer'; eventId: string | null; at: Date },
    version?: number,
  ): Promise<SaleOrder> {
    const deliveredAt = proof.at;
    const before = await this.saleOrders.findOrder(id, m);
    // Title passes to the buyer at delivery (spec §2): first, so the delivery itself opens the
    // buyer's period of the item's history. A refused delivery rolls this back with it.
    if (before?.state === 'SHIPPED') {
      await this.items.transferOwnership(
        m,
        before.itemId,
        { kind: 'user', id: before.buyerId },
        'sale-delivered',
        actor,
      );
    }
    const order = await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id,
      action: 'confirm-delivery',
      actor,
      expectedVersion: version,
      patch: { deliveredAt, deliveryProof: proof.proof, deliveryEventId: proof.eventId },
      custodian: before ? { kind: 'buyer', id: before.buyerId } : null,
      data: {
        confirmedBy: actor.role,
        proof: proof.proof,
        carrierEventId: proof.eventId,
        deliveredAt: deliveredAt.toISOString(),
      },
      jobs: (o) => [merchantEvent(o, 'sale-order.delivered', { proof: proof.proof })],
    });
    await this.items.setCustodian(m, [order.itemId], { kind: 'buyer', id: order.buyerId });
    const item = await this.saleOrders.itemOf(order.itemId, m);
    if (item.categoryId) {
      await this.valuation.recordSale(m, {
        productModelId: item.productModelId,
        categoryId: item.categoryId,
        grade: order.gradeSold,
        priceMinor: order.priceMinor,
        soldAt: order.paidAt ?? deliveredAt,
        source: 'resale',
        sourceRef: order.id,
      });
    }
    return order;
  }

  /** Support or an admin declares the parcel lost (the carrier does so by its webhook). */
  async declareLost(actor: Actor, id: string, dto: DeclareLostDto): Promise<SaleOrder> {
    return this.dataSource.transaction((m) =>
      this.markLost(m, id, actor, actor.role, dto.reason, dto.version),
    );
  }

  /** Lost in transit: full refund, the item written off (its history says why). */
  private async markLost(
    m: EntityManager,
    id: string,
    actor: Actor,
    reportedBy: string,
    reason: string,
    version?: number,
  ): Promise<SaleOrder> {
    const order = await this.orders.lockFor(m, id, actor, 'declare-lost', version);
    const refund = await this.refunds.refund(
      m,
      order,
      'lost-refund',
      order.priceMinor,
      `lost: ${reason}`,
    );
    const now = new Date();
    const lost = await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id,
      action: 'declare-lost',
      actor,
      expectedVersion: order.version,
      patch: {
        lostAt: now,
        lostReportedBy: reportedBy,
        lostReason: reason,
        ...refundColumns(order.priceMinor, refund),
      },
      data: { reportedBy, reason, refundMinor: order.priceMinor, refundKey: refund.key },
      jobs: (o) => [
        priceRefundedNotice(o, 'sale-order-lost-refunded'),
        merchantEvent(o, 'sale-order.lost', { reportedBy, reason }),
      ],
    });
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: order.itemId,
      action: 'write-off',
      actor: SYSTEM_ACTOR,
      data: { saleOrderId: order.id, reason: `lost in transit: ${reason}`, reportedBy },
    });
    return lost;
  }

  /**
   * A tracking event of a registered carrier account, already verified (signature, timestamp)
   * and stored once per event id by the caller in this transaction. `delivered` proves the
   * delivery; `lost` declares the parcel lost; anything else is only recorded.
   */
  async onCarrierEvent(
    m: EntityManager,
    accountId: string,
    event: { id: string; type: string; trackingNumber: string; occurredAt: Date },
  ): Promise<{ saleOrderId: string; applied: boolean; state: SaleOrderState }> {
    const orderId = await this.saleOrders.idByTracking(m, accountId, event.trackingNumber);
    if (!orderId) throw new NotFound('Shipment', event.trackingNumber);
    await this.carrierAccounts.linkEventToOrder(m, orderId, accountId, event.id);
    const order = await this.saleOrders.lockOrderOrFail(m, orderId);
    if (order.state !== 'SHIPPED' || !['delivered', 'lost'].includes(event.type)) {
      return { saleOrderId: order.id, applied: false, state: order.state };
    }
    const updated =
      event.type === 'delivered'
        ? await this.deliver(m, order.id, SYSTEM_ACTOR, {
            proof: 'carrier',
            eventId: event.id,
            // Never before it was shipped, whatever the carrier's clock said.
            at:
              order.shippedAt && event.occurredAt < order.shippedAt
                ? order.shippedAt
                : event.occurredAt,
          })
        : await this.markLost(m, order.id, SYSTEM_ACTOR, 'carrier', `carrier event ${event.id}`);
    return { saleOrderId: order.id, applied: true, state: updated.state };
  }
}
