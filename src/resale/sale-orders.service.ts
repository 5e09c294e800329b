import { BadRequestException, ConflictException, Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { seesEverything, SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { execute } from '../core/sql.js';
import { decodeCursor, toPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  ExpireSaleReservation,
  NotifyOwner,
  OpenSupportCase,
  OpenVehiclePaperwork,
  ReturnInspected,
  SchedulePickup,
  type ShipmentAddress,
  type ShipmentUpdatePayload,
  WithdrawUncertifiedItem,
} from '../core/jobs/job-catalogue.js';
import { job, type JobPayload, type OutboxJob } from '../core/jobs/job-definition.js';
import { ItemsService } from '../core/items/items.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { InboundEvent } from '../notifications/webhooks/inbound-handlers.registry.js';
import { webhookEvent } from '../notifications/webhooks/webhook-events.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { returnDeadline } from './engine/pricing.js';
import { PAYMENT_PROVIDER, type PaymentIntent, type PaymentProvider } from './payments.js';
import type {
  AddressDto,
  CheckoutDto,
  ReturnRequestDto,
  SaleOrderQuery,
  ShipDto,
} from './resale.dto.js';
import { Listing, SaleOrder } from './resale.entities.js';
import { ListingMachine, SaleOrderMachine } from './resale.machines.js';

const GRADE_RANK: Record<string, number> = { scrap: 0, good: 1, premium: 2 };

/** The erasure gate as the market sees it (issue 17): an item that may hold data is not sold. */
const erasureBlocked = (item: Pick<Item, 'erasureStatus'>) =>
  item.erasureStatus === 'pending' || item.erasureStatus === 'destroyed';

function erasureConflict(item: Pick<Item, 'traceCode'>) {
  return new ConflictException({
    message: `Item ${item.traceCode} has no valid erasure certificate any more: it has been withdrawn from sale`,
    code: 'ERASURE_NOT_CERTIFIED',
  });
}

function toAddress(a: AddressDto): ShipmentAddress {
  return {
    cityCode: a.cityCode,
    districtCode: a.districtCode,
    line1: a.line1,
    ...(a.line2 ? { line2: a.line2 } : {}),
    contactName: a.contactName,
    contactPhone: a.contactPhone,
  };
}

/**
 * Sale orders: checkout reserves the listing (one buyer wins, the other gets 409) for a limited
 * time (a delayed job expires it); the payment provider's signed webhook marks it paid (the item
 * is sold then); the merchant ships with a tracking number; delivery confirms the sale (custody
 * passes to the buyer, the sale joins the valuation history). A buyer may return it within the
 * merchant's window: a reverse pickup, re-inspection, then RETURNED with a refund.
 */
@Injectable()
export class SaleOrdersService {
  private readonly logger = new Logger(SaleOrdersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly valuation: ValuationService,
    private readonly catalog: CatalogService,
    private readonly areas: ServiceAreasService,
    @Inject(PAYMENT_PROVIDER) private readonly payments: PaymentProvider,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly items: ItemsService,
  ) {}

  view(actor: Actor, o: SaleOrder) {
    const isBuyer = actor.role === 'customer';
    return withActions(SaleOrderMachine, o, actor, {
      id: o.id,
      listingId: o.listingId,
      itemId: o.itemId,
      merchantId: o.merchantId,
      // The buyer's identity stays between the buyer, the merchant and platform staff.
      buyerId: o.buyerId,
      price: { amountMinor: o.priceMinor, currency: o.currency },
      gradeSold: o.gradeSold,
      shippingAddress: o.shippingAddress,
      reservedUntil: o.state === 'PENDING_PAYMENT' ? o.reservedUntil : null,
      payment: {
        provider: o.paymentProvider,
        intentId: isBuyer || seesEverything(actor) ? o.paymentIntentId : undefined,
        paidAt: o.paidAt,
      },
      shipment: { carrier: o.carrier, trackingNumber: o.trackingNumber, shippedAt: o.shippedAt },
      deliveredAt: o.deliveredAt,
      returnWindowDays: o.returnWindowDays,
      returnDeadline: o.deliveredAt ? returnDeadline(o.deliveredAt, o.returnWindowDays) : null,
      return: o.returnRequestedAt
        ? {
            requestedAt: o.returnRequestedAt,
            reason: o.returnReason,
            address: o.returnAddress,
            pickupId: o.returnPickupId,
            shipment: o.returnShipment,
            receivedAt: o.returnReceivedAt,
            grade: o.returnGrade,
            gradeMismatch: o.gradeMismatch,
            returnedAt: o.returnedAt,
          }
        : null,
      refund:
        o.refundMinor !== null
          ? { amountMinor: o.refundMinor, currency: o.currency, refundedAt: o.refundedAt }
          : null,
      cancelReason: o.cancelReason,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    });
  }

  async get(actor: Actor, id: string): Promise<SaleOrder> {
    const o = await this.dataSource.getRepository(SaleOrder).findOne({ where: { id } });
    if (!o || !SaleOrderMachine.canAccess(o, actor)) throw new NotFound('Sale order', id);
    return o;
  }

  async list(actor: Actor, q: SaleOrderQuery) {
    const limit = q.limit ?? 50;
    const cursor = decodeCursor(q.cursor);
    const qb = this.dataSource
      .getRepository(SaleOrder)
      .createQueryBuilder('o')
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(limit + 1);
    if (actor.role === 'customer') qb.andWhere('o.buyer_id = :u', { u: actor.userId });
    else if (!seesEverything(actor)) {
      if (!actor.organisationId) return { items: [], nextCursor: null };
      qb.andWhere('o.merchant_id = :m', { m: actor.organisationId });
    }
    if (q.state) qb.andWhere('o.state = :state', { state: q.state });
    if (cursor) {
      qb.andWhere('(o.created_at, o.id) < (:at, :cid)', { at: cursor.at, cid: cursor.id });
    }
    return toPage(await qb.getMany(), limit, (o) => this.view(actor, o));
  }

  /** Reserves the listing for this buyer until the reservation runs out. */
  async checkout(actor: Actor, dto: CheckoutDto): Promise<SaleOrder> {
    const listing = await this.dataSource
      .getRepository(Listing)
      .findOne({ where: { id: dto.listingId } });
    if (!listing || listing.state === 'DRAFT' || listing.state === 'WITHDRAWN') {
      throw new NotFound('Listing', dto.listingId);
    }
    const reservedUntil = new Date(Date.now() + this.config.resale.reservationMinutes * 60_000);
    return this.dataSource.transaction(async (m) => {
      const item = await m.getRepository(Item).findOneByOrFail({ id: listing.itemId });
      if (erasureBlocked(item)) throw erasureConflict(item);
      const reserved = await this.transitions.apply(ListingMachine, {
        manager: m,
        id: listing.id,
        action: 'reserve',
        actor,
        checkAccess: false,
        data: { reservedUntil: reservedUntil.toISOString() },
      });
      return this.transitions.create(SaleOrderMachine, {
        manager: m,
        actor,
        values: {
          listingId: reserved.id,
          itemId: reserved.itemId,
          merchantId: reserved.merchantId,
          buyerId: actor.userId ?? undefined,
          priceMinor: reserved.priceMinor,
          currency: reserved.currency,
          gradeSold: reserved.grade,
          shippingAddress: toAddress(dto.shippingAddress),
          reservedUntil,
          returnWindowDays: reserved.returnWindowDays,
          returnShipment: [],
        },
        data: (o) => ({ listingId: o.listingId, priceMinor: o.priceMinor }),
        jobs: (o) => [job(ExpireSaleReservation, { saleOrderId: o.id }, reservedUntil)],
      });
    });
  }

  /** A payment intent at the provider (the same one when asked again). */
  async pay(actor: Actor, id: string): Promise<PaymentIntent> {
    const order = await this.get(actor, id);
    if (actor.role !== 'customer' || order.buyerId !== actor.userId) {
      throw new NotFound('Sale order', id);
    }
    if (order.state !== 'PENDING_PAYMENT' || order.reservedUntil.getTime() <= Date.now()) {
      throw new ConflictException({
        message:
          order.state === 'PENDING_PAYMENT'
            ? 'The reservation has run out: the listing is back on the market'
            : `Sale order ${order.id} is ${order.state}: nothing to pay`,
        state: order.state,
        version: order.version,
      });
    }
    const item = await this.dataSource.getRepository(Item).findOneByOrFail({ id: order.itemId });
    if (erasureBlocked(item)) throw erasureConflict(item);
    const intent = await this.payments.createIntent({
      id: order.id,
      amountMinor: order.priceMinor,
      currency: order.currency,
      expiresAt: order.reservedUntil,
    });
    // One intent per order: a second ask gets the first intent back.
    const { rows } = await execute<{ payment_intent_id: string }>(
      this.dataSource.manager,
      `UPDATE sale_orders SET payment_provider = coalesce(payment_provider, $2),
         payment_intent_id = coalesce(payment_intent_id, $3), updated_at = now()
       WHERE id = $1 RETURNING payment_intent_id`,
      [order.id, this.payments.name, intent.intentId],
    );
    return { ...intent, intentId: rows[0].payment_intent_id };
  }

  /**
   * The provider's signed confirmation (in the transaction that stores the inbound event, which
   * is unique per event id, so a resend is never applied twice). Paid: the listing and the item
   * are sold. A payment that arrives after the reservation expired is refunded.
   */
  async onPaymentConfirmed(m: EntityManager, event: InboundEvent): Promise<void> {
    const data = (event.data ?? {}) as Record<string, unknown>;
    const intentId = typeof data.intentId === 'string' ? data.intentId : null;
    const amount = data.amountMinor;
    if (!intentId || typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
      throw new BadRequestException('payment event needs data.intentId and data.amountMinor');
    }
    const order = await m.getRepository(SaleOrder).findOne({
      where: { paymentIntentId: intentId, paymentProvider: event.provider },
      lock: { mode: 'pessimistic_write' },
    });
    if (!order) throw new NotFound('Payment intent', intentId);
    if (order.state === 'CANCELLED') {
      if (order.refundMinor === null) await this.refundLatePayment(m, order, amount);
      return;
    }
    if (order.state !== 'PENDING_PAYMENT') return; // another event for an order already paid
    if (amount !== order.priceMinor || data.currency !== order.currency) {
      throw new ConflictException(
        `payment of ${String(amount)} ${String(data.currency)} does not match the order's ${order.priceMinor} ${order.currency}`,
      );
    }
    const paidAt = new Date();
    const item = await m.getRepository(Item).findOneByOrFail({ id: order.itemId });
    if (erasureBlocked(item)) {
      // Paid in the moment between the revocation and its withdrawal job: no sale, refund.
      await this.cancelUncertified(m, order, 'the item lost its erasure certificate');
      await this.refundLatePayment(m, order, amount);
      return;
    }
    await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id: order.id,
      action: 'pay',
      actor: SYSTEM_ACTOR,
      patch: { paidAt, paymentEventId: event.eventId },
      data: { provider: event.provider, eventId: event.eventId, amountMinor: amount },
      jobs: (o) => [
        webhookEvent({
          organisationId: o.merchantId,
          type: 'sale-order.paid',
          data: {
            saleOrderId: o.id,
            listingId: o.listingId,
            itemId: o.itemId,
            amountMinor: amount,
          },
        }),
        // A car's paperwork (transfer, registration, insurance) starts once it is paid for.
        ...(item.vin
          ? [
              job(OpenVehiclePaperwork, {
                saleOrderId: o.id,
                itemIds: [o.itemId],
                merchantOrganisationId: o.merchantId,
                buyerId: o.buyerId,
              }),
            ]
          : []),
      ],
    });
    await this.transitions.apply(ListingMachine, {
      manager: m,
      id: order.listingId,
      action: 'sell',
      actor: SYSTEM_ACTOR,
      patch: { soldAt: paidAt },
      data: { saleOrderId: order.id },
    });
    // Sold at payment: from now on nobody else may buy or list the item.
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: order.itemId,
      action: 'sell',
      actor: SYSTEM_ACTOR,
      data: { saleOrderId: order.id, priceMinor: order.priceMinor },
    });
  }

  private async refundLatePayment(m: EntityManager, order: SaleOrder, amount: number) {
    const refund = await this.payments.refund({
      intentId: order.paymentIntentId ?? '',
      amountMinor: amount,
      reason: 'payment after the reservation expired',
    });
    await m.query(
      `UPDATE sale_orders SET refund_minor = $2, refunded_at = now(),
         cancel_reason = coalesce(cancel_reason, '') || $3, updated_at = now() WHERE id = $1`,
      [
        order.id,
        Math.min(amount, order.priceMinor),
        ` (late payment refunded: ${refund.refundId})`,
      ],
    );
  }

  /**
   * WithdrawUncertifiedItem (issue 17): the item lost its erasure certificate. Every listing of
   * it leaves the market: an unpaid reservation is cancelled (the buyer is told), the listing is
   * withdrawn and the item unlisted. Idempotent; nothing to do once the item is certified again.
   */
  async withdrawUncertified(p: JobPayload<typeof WithdrawUncertifiedItem>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const item = await m
        .getRepository(Item)
        .findOne({ where: { id: p.itemId }, lock: { mode: 'pessimistic_write' } });
      if (!item) throw new Error(`Item ${p.itemId} not found`);
      if (!erasureBlocked(item)) return; // certified again meanwhile
      const listings = await m
        .getRepository(Listing)
        .createQueryBuilder('l')
        .setLock('pessimistic_write')
        .where('l.item_id = :id', { id: item.id })
        .andWhere("l.state IN ('DRAFT', 'PUBLISHED', 'RESERVED')")
        .orderBy('l.created_at')
        .getMany();
      for (const listing of listings) {
        if (listing.state === 'RESERVED') {
          const orders = await m.getRepository(SaleOrder).find({
            where: { listingId: listing.id, state: 'PENDING_PAYMENT' },
            lock: { mode: 'pessimistic_write' },
          });
          for (const order of orders) await this.cancelUncertified(m, order, p.reason);
        }
        const current = await m.getRepository(Listing).findOneByOrFail({ id: listing.id });
        await this.transitions.apply(ListingMachine, {
          manager: m,
          id: current.id,
          action: 'withdraw',
          actor: SYSTEM_ACTOR,
          patch: { withdrawnAt: new Date() },
          data: { reason: p.reason, erasure: item.erasureStatus },
        });
        if (current.state === 'PUBLISHED' && item.state === 'LISTED') {
          await this.transitions.apply(ItemMachine, {
            manager: m,
            id: item.id,
            action: 'unlist',
            actor: SYSTEM_ACTOR,
            data: { listingId: current.id, reason: p.reason },
          });
          item.state = 'ALLOCATED';
        }
      }
    });
  }

  /** An unpaid order of an item that lost its certificate: cancelled, the buyer told. */
  private async cancelUncertified(m: EntityManager, order: SaleOrder, reason: string) {
    const cancelReason = `withdrawn from sale: ${reason}`;
    await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id: order.id,
      action: 'cancel-by-platform',
      actor: SYSTEM_ACTOR,
      patch: { cancelReason },
      data: { reason: cancelReason },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-cancelled',
          params: {
            message: 'The item you reserved was withdrawn from sale; you have not been charged',
            saleOrderId: o.id,
            listingId: o.listingId,
            reason: cancelReason,
          },
        }),
      ],
    });
    await this.transitions.apply(ListingMachine, {
      manager: m,
      id: order.listingId,
      action: 'release-reservation',
      actor: SYSTEM_ACTOR,
      data: { saleOrderId: order.id, reason: cancelReason },
    });
  }

  /** The buyer gives up before paying: the listing goes back on the market. */
  async cancel(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    await this.get(actor, id);
    return this.dataSource.transaction((m) =>
      this.endReservation(m, id, 'cancel', actor, 'cancelled by the buyer', version),
    );
  }

  /** ExpireSaleReservation: still unpaid at the end of the reservation → cancelled. */
  async expire(payload: JobPayload<typeof ExpireSaleReservation>): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await m.getRepository(SaleOrder).findOne({
        where: { id: payload.saleOrderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!order) throw new Error(`Sale order ${payload.saleOrderId} not found`);
      if (order.state !== 'PENDING_PAYMENT') return; // paid or cancelled meanwhile
      if (order.reservedUntil.getTime() > Date.now() + 1000) {
        throw new Error(
          `Reservation of ${order.id} runs until ${order.reservedUntil.toISOString()}`,
        );
      }
      await this.endReservation(m, order.id, 'expire', SYSTEM_ACTOR, 'reservation expired unpaid');
    });
  }

  private async endReservation(
    m: EntityManager,
    id: string,
    action: 'cancel' | 'expire',
    actor: Actor,
    reason: string,
    version?: number,
  ): Promise<SaleOrder> {
    const order = await this.transitions.apply(SaleOrderMachine, {
      manager: m,
      id,
      action,
      actor,
      expectedVersion: version,
      patch: { cancelReason: reason },
      data: { reason },
    });
    await this.transitions.apply(ListingMachine, {
      manager: m,
      id: order.listingId,
      action: 'release-reservation',
      actor: actor.role === 'customer' ? actor : SYSTEM_ACTOR,
      checkAccess: false,
      data: { saleOrderId: order.id, reason },
    });
    return order;
  }

  async ship(actor: Actor, id: string, dto: ShipDto): Promise<SaleOrder> {
    return this.transitions.apply(SaleOrderMachine, {
      id,
      action: 'ship',
      actor,
      expectedVersion: dto.version,
      patch: { carrier: dto.carrier, trackingNumber: dto.trackingNumber, shippedAt: new Date() },
      data: { carrier: dto.carrier, trackingNumber: dto.trackingNumber },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-shipped',
          params: { saleOrderId: o.id, carrier: dto.carrier, trackingNumber: dto.trackingNumber },
        }),
      ],
    });
  }

  /** Delivered: custody passes to the buyer, the return window starts, the sale is recorded. */
  async confirmDelivery(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    return this.dataSource.transaction(async (m) => {
      const deliveredAt = new Date();
      const before = await m.getRepository(SaleOrder).findOne({ where: { id } });
      const order = await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id,
        action: 'confirm-delivery',
        actor,
        expectedVersion: version,
        patch: { deliveredAt },
        custodian: before ? { kind: 'buyer', id: before.buyerId } : null,
        data: { confirmedBy: actor.role },
      });
      await this.items.setCustodian(m, [order.itemId], { kind: 'buyer', id: order.buyerId });
      const item = await m.getRepository(Item).findOneByOrFail({ id: order.itemId });
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
    });
  }

  /** Within the window: a reverse pickup from the buyer's address, the item on its way back. */
  async requestReturn(actor: Actor, id: string, dto: ReturnRequestDto): Promise<SaleOrder> {
    const current = await this.get(actor, id);
    const address = dto.address ? toAddress(dto.address) : current.shippingAddress;
    const coverage = await this.areas.checkCoverage(address);
    if (!coverage.covered) {
      throw new BadRequestException({
        message: `Couriers cannot collect from this address: ${coverage.message}`,
        fields: coverage.fields.map((f) => ({
          field: dto.address ? `address.${f}` : `shippingAddress.${f}`,
          errors: [coverage.message],
        })),
      });
    }
    const item = await this.dataSource.getRepository(Item).findOneByOrFail({ id: current.itemId });
    const path = item.categoryId ? await this.catalog.path(item.categoryId) : [];
    const luxury = path[0]?.code === 'luxury';
    const requestedAt = new Date();
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
          job(SchedulePickup, {
            direction: 'buyer-return',
            source: { kind: 'sale-order', id: o.id },
            customerId: o.buyerId,
            itemIds: [o.itemId],
            address,
            warehouseId: null,
            requestedAt: requestedAt.toISOString(),
            specialPackaging: luxury,
          }),
          webhookEvent({
            organisationId: o.merchantId,
            type: 'sale-order.return-requested',
            data: { saleOrderId: o.id, itemId: o.itemId, reason: dto.reason },
          }),
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

  /** Logistics reports on the return shipment (SaleOrderShipmentUpdate). Idempotent. */
  async onShipmentUpdate(p: ShipmentUpdatePayload): Promise<void> {
    if (p.source.kind !== 'sale-order' || p.direction !== 'buyer-return') return;
    const entry = JSON.stringify([
      { event: p.event, pickupId: p.pickupId, at: p.at, reason: p.reason },
    ]);
    const { affected } = await execute(
      this.dataSource.manager,
      `UPDATE sale_orders SET
         return_pickup_id = $2,
         return_shipment = CASE
           WHEN return_shipment @> $4::jsonb THEN return_shipment
           ELSE return_shipment || $5::jsonb END,
         return_received_at = CASE WHEN $3 = 'delivered'
           THEN coalesce(return_received_at, $6::timestamptz) ELSE return_received_at END,
         updated_at = now()
       WHERE id = $1 RETURNING id`,
      [
        p.source.id,
        p.pickupId,
        p.event,
        JSON.stringify([{ event: p.event, pickupId: p.pickupId }]),
        entry,
        p.at,
      ],
    );
    if (affected === 0) throw new Error(`Sale order ${p.source.id} not found`);
  }

  /**
   * Grading re-inspected the returned item: compare with the grade it was sold as (a difference
   * is a grade mismatch against the merchant), refund the buyer, and close the return.
   */
  async onReturnInspected(p: JobPayload<typeof ReturnInspected>): Promise<void> {
    if (p.source.kind !== 'sale-order') return;
    await this.dataSource.transaction(async (m) => {
      const order = await m
        .getRepository(SaleOrder)
        .findOne({ where: { id: p.source.id }, lock: { mode: 'pessimistic_write' } });
      if (!order) throw new Error(`Sale order ${p.source.id} not found`);
      if (order.state === 'RETURNED') return; // applied already
      if (order.state !== 'RETURN_REQUESTED') {
        this.logger.warn(`ReturnInspected for sale order ${order.id} in ${order.state}: ignored`);
        return;
      }
      if (order.itemId !== p.itemId) throw new Error(`Item ${p.itemId} is not on ${order.id}`);
      const mismatch = p.grade !== order.gradeSold;
      const worse = (GRADE_RANK[p.grade] ?? 0) < (GRADE_RANK[order.gradeSold] ?? 0);
      const refund = await this.payments.refund({
        intentId: order.paymentIntentId ?? '',
        amountMinor: order.priceMinor,
        reason: 'buyer return',
      });
      const jobs: OutboxJob[] = [
        webhookEvent({
          organisationId: order.merchantId,
          type: 'sale-order.returned',
          data: {
            saleOrderId: order.id,
            itemId: order.itemId,
            gradeSold: order.gradeSold,
            gradeReturned: p.grade,
            gradeMismatch: mismatch,
            refundMinor: order.priceMinor,
          },
        }),
        job(NotifyOwner, {
          userId: order.buyerId,
          template: 'sale-order-refunded',
          params: {
            saleOrderId: order.id,
            amountMinor: order.priceMinor,
            currency: order.currency,
          },
        }),
      ];
      if (worse) {
        // Worse than sold: misgraded by the merchant, or damaged by the buyer; a person decides.
        jobs.push(
          job(OpenSupportCase, {
            kind: 'buyer-return-dispute',
            dedupeKey: `return-grade:${order.id}`,
            summary: `Returned item graded ${p.grade}, sold as ${order.gradeSold}`,
            itemIds: [order.itemId],
            orderRef: { kind: 'sale-order', id: order.id },
            customerId: order.buyerId,
            detail: { organisationId: order.merchantId, inspectionId: p.inspectionId },
          }),
        );
      }
      await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id: order.id,
        action: 'complete-return',
        actor: SYSTEM_ACTOR,
        patch: {
          returnGrade: p.grade,
          gradeMismatch: mismatch,
          returnedAt: new Date(),
          refundMinor: order.priceMinor,
          refundedAt: new Date(),
        },
        data: {
          inspectionId: p.inspectionId,
          gradeSold: order.gradeSold,
          gradeReturned: p.grade,
          gradeMismatch: mismatch,
          refundMinor: order.priceMinor,
          refundId: refund.refundId,
        },
        jobs,
      });
    });
  }
}
