import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { seesEverything, SYSTEM_ACTOR, type Actor } from '../core/actor.js';
import { NotFound, stateConflict } from '../core/errors.js';
import { execute } from '../core/sql.js';
import { mapPage, paginate } from '../core/http/pagination.js';
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
import { PLATFORM_OWNER } from '../core/items/ownership.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import type { InboundEvent } from '../notifications/webhooks/inbound-handlers.registry.js';
import { webhookEvent } from '../notifications/webhooks/webhook-events.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { account } from '../money/ledger/accounts.js';
import { LedgerService } from '../money/ledger/ledger.service.js';
import { returnDeadline } from './engine/pricing.js';
import {
  PAYMENT_PROVIDER,
  type PaymentIntent,
  type PaymentProvider,
} from '../money/providers/payment-provider.js';
import { TransfersService } from '../money/transfers/transfers.service.js';
import type {
  AddressDto,
  CheckoutDto,
  DeclareLostDto,
  RebookReturnDto,
  ReturnRequestDto,
  SaleOrderQuery,
  ShipDto,
} from './resale.dto.js';
import {
  Listing,
  type ReportSummary,
  type ReturnEvidence,
  SaleOrder,
  type SaleOrderState,
} from './resale.entities.js';
import { ListingMachine, SaleOrderAccess, SaleOrderMachine } from './resale.machines.js';

const GRADE_RANK: Record<string, number> = { scrap: 0, good: 1, premium: 2 };
const SEVERITY_RANK: Record<string, number> = { none: 0, cosmetic: 1, functional: 2, critical: 3 };
/** Share of the price kept per grade step down when neither findings nor valuation price the damage. */
const FALLBACK_DEDUCTION_PER_STEP = 0.2;

/** Why a refund is made: with the order id it is the provider's idempotency key. */
export type RefundCause = 'cancel-refund' | 'lost-refund' | 'return-refund' | 'late-payment-refund';

export function refundKey(orderId: string, cause: RefundCause): string {
  return `sale-order:${orderId}:${cause}`;
}

interface InspectionEventRow {
  seq: number;
  data: Record<string, unknown>;
  created_at: Date;
}

function reportSummary(row: InspectionEventRow | undefined): ReportSummary | null {
  if (!row) return null;
  const d = row.data;
  const findings = Array.isArray(d.findings) ? (d.findings as Array<Record<string, unknown>>) : [];
  return {
    inspectionId: typeof d.inspectionId === 'string' ? d.inspectionId : null,
    grade: typeof d.grade === 'string' ? d.grade : null,
    score: typeof d.score === 'number' ? d.score : null,
    summary: typeof d.summary === 'string' ? d.summary : null,
    completedAt: new Date(row.created_at).toISOString(),
    findings: findings.map((f) => ({
      checkId: typeof f.checkId === 'string' ? f.checkId : '',
      label: typeof f.label === 'string' ? f.label : String(f.checkId),
      severity: typeof f.severity === 'string' ? f.severity : 'none',
    })),
  };
}

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

/** The item a sale order sold, as a merchant names it. */
export interface SoldItem {
  traceCode: string;
  model: { brand: string; name: string } | null;
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
    private readonly ledger: LedgerService,
    private readonly transfers: TransfersService,
    private readonly outbox: OutboxService,
  ) {}

  view(actor: Actor, o: SaleOrder, item?: SoldItem) {
    const isBuyer = actor.role === 'customer';
    return withActions(SaleOrderMachine, o, actor, {
      id: o.id,
      listingId: o.listingId,
      itemId: o.itemId,
      // Read views (the list and GET) name the item: its trace code and model.
      ...(item ? { item } : {}),
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
      shipment: {
        carrier: o.carrier,
        carrierAccountId: o.carrierAccountId,
        trackingNumber: o.trackingNumber,
        shippedAt: o.shippedAt,
        confirmationRequestedAt: o.deliveryConfirmationRequestedAt,
      },
      deliveredAt: o.deliveredAt,
      // Who proved the delivery: the carrier's signed tracking event, or the buyer.
      deliveryProof: o.deliveryProof,
      lost: o.lostAt ? { at: o.lostAt, reportedBy: o.lostReportedBy, reason: o.lostReason } : null,
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
            round: o.returnRound,
            // The two inspection reports side by side, the damage charged and why.
            evidence: o.returnEvidence,
            damageMinor: o.returnDamageMinor,
            // A buyer who disagrees opens a support case about this order.
            dispute:
              o.returnEvidence?.outcome === 'partial-refund'
                ? {
                    howTo: 'POST /api/v1/support/cases',
                    kind: 'buyer-return-dispute',
                    orderRef: { kind: 'sale-order', id: o.id },
                  }
                : null,
          }
        : null,
      refund:
        o.refundMinor !== null
          ? {
              amountMinor: o.refundMinor,
              currency: o.currency,
              // pending until the provider answers (the refund runs as a job), then succeeded.
              status: o.refundStatus,
              refundedAt: o.refundedAt,
              refundId: isBuyer || seesEverything(actor) ? o.refundId : undefined,
              idempotencyKey: seesEverything(actor) ? o.refundKey : undefined,
            }
          : null,
      cancelReason: o.cancelReason,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    });
  }

  async get(actor: Actor, id: string): Promise<SaleOrder> {
    const o = await this.dataSource.getRepository(SaleOrder).findOne({ where: { id } });
    return SaleOrderAccess.assertVisible(o, actor, id);
  }

  async list(actor: Actor, q: SaleOrderQuery) {
    const qb = this.dataSource.getRepository(SaleOrder).createQueryBuilder('o');
    SaleOrderAccess.restrict(qb, actor, 'o');
    if (q.state) qb.andWhere('o.state = :state', { state: q.state });
    const page = await paginate(qb, q);
    const items = await this.soldItems(page.items.map((o) => o.itemId));
    return mapPage(page, (o) => this.view(actor, o, items.get(o.itemId)));
  }

  /** The order as read: with the item it sold named. */
  async present(actor: Actor, o: SaleOrder) {
    return this.view(actor, o, (await this.soldItems([o.itemId])).get(o.itemId));
  }

  /** Trace code and model of each item, for orders that name what they sold. */
  private async soldItems(itemIds: string[]): Promise<Map<string, SoldItem>> {
    if (itemIds.length === 0) return new Map();
    const rows = await this.dataSource.query<
      Array<{ id: string; trace_code: string; brand: string | null; model: string | null }>
    >(
      `SELECT i.id, i.trace_code, pm.brand, pm.model
         FROM items i LEFT JOIN product_models pm ON pm.id = i.product_model_id
        WHERE i.id = ANY($1::uuid[])`,
      [itemIds],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          traceCode: r.trace_code,
          model: r.brand && r.model ? { brand: r.brand, name: r.model } : null,
        },
      ]),
    );
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
      await this.assertReservationRoom(m, actor);
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
          returnRound: 1,
        },
        data: (o) => ({ listingId: o.listingId, priceMinor: o.priceMinor }),
        jobs: (o) => [job(ExpireSaleReservation, { saleOrderId: o.id }, reservedUntil)],
      });
    });
  }

  /**
   * One buyer holds at most RESALE_MAX_OPEN_RESERVATIONS unpaid checkouts at once (issue 18),
   * so nobody takes the market off sale in 15-minute blocks. The buyer's checkouts queue on a
   * transaction lock, so two at once cannot both take the last place.
   */
  private async assertReservationRoom(m: EntityManager, actor: Actor): Promise<void> {
    if (!actor.userId) return;
    const max = this.config.resale.maxOpenReservations;
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('sale-order-buyer:' || $1, 0))`, [
      actor.userId,
    ]);
    const [{ open }] = await m.query<Array<{ open: number }>>(
      `SELECT count(*)::int AS open FROM sale_orders
        WHERE buyer_id = $1 AND state = 'PENDING_PAYMENT' AND reserved_until > now()`,
      [actor.userId],
    );
    if (open >= max) {
      throw new ConflictException({
        message: `You already hold ${open} unpaid reservation${open === 1 ? '' : 's'}, the most one buyer may hold at once (${max}): pay for or cancel one first`,
        code: 'too_many_reservations',
        openReservations: open,
        limit: max,
      });
    }
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
      description: `Reloop order ${order.id}`,
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
      if (order.refundMinor === null)
        await this.refundLatePayment(m, order, amount, event.provider);
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
      await this.refundLatePayment(m, order, amount, event.provider);
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
    // The buyer's money is at the provider; the merchant is owed the sale.
    await this.ledger.post(m, {
      kind: 'payment',
      key: `payment:${order.id}`,
      ref: { kind: 'sale-order', id: order.id },
      memo: `payment of sale order ${order.id} (${event.provider} event ${event.eventId})`,
      currency: order.currency,
      provider: { name: event.provider, ref: intentId },
      lines: [
        { account: account.providerClearing(event.provider), amountMinor: amount },
        { account: account.merchantPayable(order.merchantId), amountMinor: -amount },
      ],
    });
  }

  /** A payment for an order that is no longer for sale: the money is the buyer's, refunded. */
  private async refundLatePayment(
    m: EntityManager,
    order: SaleOrder,
    amount: number,
    provider: string,
  ) {
    await this.ledger.post(m, {
      kind: 'payment',
      key: `payment:${order.id}`,
      ref: { kind: 'sale-order', id: order.id },
      memo: `late payment of cancelled sale order ${order.id}: owed back to the buyer`,
      currency: order.currency,
      ...(order.paymentIntentId
        ? { provider: { name: provider, ref: order.paymentIntentId } }
        : {}),
      lines: [
        { account: account.providerClearing(provider), amountMinor: amount },
        { account: account.refundsPayable(order.buyerId), amountMinor: -amount },
      ],
    });
    const refund = await this.refund(
      m,
      { ...order, paymentProvider: provider, priceMinor: amount },
      'late-payment-refund',
      amount,
      'payment after the reservation expired',
      'payment',
    );
    await m.query(
      `UPDATE sale_orders SET refund_minor = $2, refund_status = $4, refund_key = $5,
         cancel_reason = coalesce(cancel_reason, '') || $3, updated_at = now() WHERE id = $1`,
      [order.id, amount, ' (late payment refunded)', refund.status, refund.key],
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

  /**
   * Asks for a refund in the caller's transaction: the merchant's payable is charged now (the
   * merchant keeps a deducted damage), and the refund itself runs as an outbox job under a key
   * derived from the order and the cause, so a retry — a job re-run, a resent webhook — never
   * refunds twice. The provider's answer comes back through the 'sale-order' transfer hook.
   */
  private async refund(
    m: EntityManager,
    order: Pick<
      SaleOrder,
      | 'id'
      | 'merchantId'
      | 'buyerId'
      | 'itemId'
      | 'currency'
      | 'priceMinor'
      | 'paymentProvider'
      | 'paymentIntentId'
    >,
    cause: RefundCause,
    amountMinor: number,
    reason: string,
    owedBy: 'merchant' | 'payment' = 'merchant',
  ): Promise<{ key: string; status: 'pending' | 'succeeded' }> {
    const key = refundKey(order.id, cause);
    // A refunded sale no longer stands: it stops feeding comparables and refits at once.
    await this.valuation.withdrawSale(m, 'resale', order.id, cause);
    if (amountMinor <= 0) return { key, status: 'succeeded' }; // nothing to give back
    const ref = { kind: 'sale-order', id: order.id };
    if (owedBy === 'merchant') {
      await this.ledger.post(m, {
        kind: 'refund-owed',
        key: `refund-owed:${key}`,
        ref,
        memo: `${cause} of sale order ${order.id}: ${reason}`,
        currency: order.currency,
        lines: [
          { account: account.merchantPayable(order.merchantId), amountMinor },
          { account: account.refundsPayable(order.buyerId), amountMinor: -amountMinor },
        ],
      });
    }
    await this.transfers.requestRefund(m, {
      key,
      provider: order.paymentProvider ?? this.payments.name,
      buyerId: order.buyerId,
      amountMinor,
      currency: order.currency,
      paymentRef: order.paymentIntentId ?? '',
      paymentTotalMinor: order.priceMinor,
      source: ref,
      reason,
      context: {
        orderRef: { kind: 'sale-order', id: order.id },
        customerId: order.buyerId,
        itemIds: [order.itemId],
        organisationId: order.merchantId,
      },
    });
    return { key, status: 'pending' };
  }

  /** The 'sale-order' transfer hook: the provider answered a refund of this order. */
  async onRefundSettled(
    m: EntityManager,
    t: { key: string; sourceId: string; state: string; providerRef: string | null },
  ): Promise<void> {
    await m.query(
      `UPDATE sale_orders SET refund_status = $3, refund_id = coalesce($4, refund_id),
         refunded_at = CASE WHEN $3 = 'succeeded' THEN now() ELSE refunded_at END, updated_at = now()
       WHERE id = $1 AND refund_key = $2`,
      [t.sourceId, t.key, t.state === 'succeeded' ? 'succeeded' : 'failed', t.providerRef],
    );
  }

  /**
   * The checks a transition would make, before money moves: visible to the actor (404), the
   * role and state allow the action (403 / 409), the version is current (409). The transition
   * itself re-checks under the row lock the caller holds.
   */
  private async lockFor(
    m: EntityManager,
    id: string,
    actor: Actor,
    action: string,
    version?: number,
  ): Promise<SaleOrder> {
    const order = SaleOrderAccess.assertVisible(
      await m
        .getRepository(SaleOrder)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } }),
      actor,
      id,
    );
    const byRole = SaleOrderMachine.transitions.filter(
      (t) => t.action === action && t.roles.includes(actor.role),
    );
    if (byRole.length === 0) {
      throw new ForbiddenException(`A ${actor.role} may not ${action} a sale order`);
    }
    const conflict = (message: string) => stateConflict(SaleOrderMachine, order, actor, message);
    if (!byRole.some((t) => t.from.includes(order.state))) {
      throw conflict(`Cannot ${action} a SaleOrder that is ${order.state}`);
    }
    if (version !== undefined && version !== order.version) {
      throw conflict(`SaleOrder ${id} is at version ${order.version}, not ${version}`);
    }
    return order;
  }

  /**
   * The buyer (or an admin) cancels. Unpaid: the listing goes back on the market. Paid and not
   * shipped yet: full refund, the item and its listing are for sale again.
   */
  async cancel(actor: Actor, id: string, version?: number): Promise<SaleOrder> {
    await this.get(actor, id);
    return this.dataSource.transaction(async (m) => {
      const order = await this.lockFor(m, id, actor, 'cancel', version);
      const reason =
        actor.role === 'customer' ? 'cancelled by the buyer' : 'cancelled by operations';
      if (order.state !== 'PAID') {
        return this.endReservation(m, id, 'cancel', actor, reason, version);
      }
      const refund = await this.refund(m, order, 'cancel-refund', order.priceMinor, reason);
      const cancelled = await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id,
        action: 'cancel',
        actor,
        expectedVersion: order.version,
        patch: {
          cancelReason: reason,
          refundMinor: order.priceMinor,
          refundStatus: refund.status,
          refundKey: refund.key,
        },
        data: { reason, refundMinor: order.priceMinor, refundKey: refund.key },
        jobs: (o) => [
          job(NotifyOwner, {
            userId: o.buyerId,
            template: 'sale-order-refunded',
            params: { saleOrderId: o.id, amountMinor: o.priceMinor, currency: o.currency },
          }),
          webhookEvent({
            organisationId: o.merchantId,
            type: 'sale-order.cancelled',
            data: { saleOrderId: o.id, itemId: o.itemId, refundMinor: o.priceMinor },
          }),
        ],
      });
      await this.transitions.apply(ListingMachine, {
        manager: m,
        id: order.listingId,
        action: 'reopen',
        actor: SYSTEM_ACTOR,
        patch: { soldAt: null },
        data: { saleOrderId: order.id, reason },
      });
      await this.transitions.apply(ItemMachine, {
        manager: m,
        id: order.itemId,
        action: 'unsell',
        actor: SYSTEM_ACTOR,
        data: { saleOrderId: order.id, reason },
      });
      return cancelled;
    });
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
    let carrier = dto.carrier;
    if (dto.carrierAccountId) {
      const [account] = await this.dataSource.query<Array<{ carrier: string; active: boolean }>>(
        'SELECT carrier, active FROM carrier_accounts WHERE id = $1',
        [dto.carrierAccountId],
      );
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
    const before = await m.getRepository(SaleOrder).findOne({ where: { id } });
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
      jobs: (o) => [
        webhookEvent({
          organisationId: o.merchantId,
          type: 'sale-order.delivered',
          data: { saleOrderId: o.id, itemId: o.itemId, proof: proof.proof },
        }),
      ],
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
    const order = await this.lockFor(m, id, actor, 'declare-lost', version);
    const refund = await this.refund(m, order, 'lost-refund', order.priceMinor, `lost: ${reason}`);
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
        refundMinor: order.priceMinor,
        refundStatus: refund.status,
        refundKey: refund.key,
      },
      data: { reportedBy, reason, refundMinor: order.priceMinor, refundKey: refund.key },
      jobs: (o) => [
        job(NotifyOwner, {
          userId: o.buyerId,
          template: 'sale-order-lost-refunded',
          params: { saleOrderId: o.id, amountMinor: o.priceMinor, currency: o.currency },
        }),
        webhookEvent({
          organisationId: o.merchantId,
          type: 'sale-order.lost',
          data: { saleOrderId: o.id, itemId: o.itemId, reportedBy, reason },
        }),
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
    const [row] = await m.query<Array<{ id: string }>>(
      `SELECT id FROM sale_orders WHERE carrier_account_id = $1 AND tracking_number = $2
        ORDER BY created_at DESC LIMIT 1`,
      [accountId, event.trackingNumber],
    );
    if (!row) throw new NotFound('Shipment', event.trackingNumber);
    await m.query(
      'UPDATE carrier_tracking_events SET sale_order_id = $1 WHERE carrier_account_id = $2 AND event_id = $3',
      [row.id, accountId, event.id],
    );
    const order = await m
      .getRepository(SaleOrder)
      .findOneOrFail({ where: { id: row.id }, lock: { mode: 'pessimistic_write' } });
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
    const item = await this.dataSource.getRepository(Item).findOneByOrFail({ id: o.itemId });
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
    const current = await this.get(actor, id);
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

  /**
   * The return pickup failed for good (its attempts ran out): book a new one (the next round,
   * optionally from another address) — the buyer, support or an admin.
   */
  async rebookReturn(actor: Actor, id: string, dto: RebookReturnDto): Promise<SaleOrder> {
    const current = await this.get(actor, id);
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
    await this.get(actor, id);
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

  /** Logistics reports on the return shipment (SaleOrderShipmentUpdate). Idempotent. */
  async onShipmentUpdate(p: ShipmentUpdatePayload): Promise<void> {
    if (p.source.kind !== 'sale-order' || p.direction !== 'buyer-return') return;
    const entry = JSON.stringify([
      { event: p.event, pickupId: p.pickupId, at: p.at, reason: p.reason },
    ]);
    // The first 'delivered' tells the buyer their return has arrived (issue 25), once.
    const { rows, affected } = await this.dataSource.transaction((m) =>
      execute<{ buyer_id: string; first_received: boolean }>(
        m,
        `WITH before AS (SELECT return_received_at AS was FROM sale_orders WHERE id = $1 FOR UPDATE)
       UPDATE sale_orders SET
         return_pickup_id = $2,
         return_shipment = CASE
           WHEN return_shipment @> $4::jsonb THEN return_shipment
           ELSE return_shipment || $5::jsonb END,
         return_received_at = CASE WHEN $3 = 'delivered'
           THEN coalesce(return_received_at, $6::timestamptz) ELSE return_received_at END,
         updated_at = now()
       WHERE id = $1
       RETURNING id, buyer_id,
         (SELECT was FROM before) IS NULL AND return_received_at IS NOT NULL AS first_received`,
        [
          p.source.id,
          p.pickupId,
          p.event,
          JSON.stringify([{ event: p.event, pickupId: p.pickupId }]),
          entry,
          p.at,
        ],
      ).then(async (result) => {
        const order = result.rows[0];
        if (order?.first_received) {
          await this.outbox.write(m, [
            job(NotifyOwner, {
              userId: order.buyer_id,
              template: 'sale-order-return-received',
              params: { saleOrderId: p.source.id, pickupId: p.pickupId },
            }),
          ]);
        }
        return result;
      }),
    );
    if (affected === 0 || rows.length === 0) {
      throw new Error(`Sale order ${p.source.id} not found`);
    }
    if (p.event === 'cancelled') await this.onReturnPickupCancelled(p);
  }

  /**
   * Logistics gave up on the return pickup (three failed attempts): the order waits in
   * RETURN_PICKUP_FAILED for a rebooking or the buyer keeping the item, and support is asked.
   */
  private async onReturnPickupCancelled(p: ShipmentUpdatePayload): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const order = await m
        .getRepository(SaleOrder)
        .findOne({ where: { id: p.source.id }, lock: { mode: 'pessimistic_write' } });
      if (!order || order.state !== 'RETURN_REQUESTED') return; // moved on already
      if (order.returnPickupId !== null && order.returnPickupId !== p.pickupId) return; // old round
      await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id: order.id,
        action: 'fail-return-pickup',
        actor: SYSTEM_ACTOR,
        data: { pickupId: p.pickupId, reason: p.reason, round: order.returnRound },
        jobs: (o) => [
          job(NotifyOwner, {
            userId: o.buyerId,
            template: 'sale-order-return-pickup-failed',
            params: { saleOrderId: o.id, reason: p.reason },
          }),
          job(OpenSupportCase, {
            kind: 'late-pickup',
            dedupeKey: `return-pickup-failed:${o.id}:${o.returnRound}`,
            summary: `Return pickup of sale order ${o.id} failed for good: rebook it or let the buyer keep the item`,
            itemIds: [o.itemId],
            orderRef: { kind: 'sale-order', id: o.id },
            customerId: o.buyerId,
            detail: { organisationId: o.merchantId, pickupId: p.pickupId, reason: p.reason },
          }),
        ],
      });
    });
  }

  /**
   * The report the item was sold with (the latest completed inspection before payment) and the
   * re-inspection's, both read from the item's hash-chained history.
   */
  private async inspectionReports(
    m: EntityManager,
    order: SaleOrder,
    returnInspectionId: string,
  ): Promise<{
    before: ReportSummary | null;
    after: ReportSummary | null;
    raw: Array<Record<string, unknown>>;
  }> {
    const rows = await m.query<InspectionEventRow[]>(
      `SELECT seq, data, at AS created_at FROM item_events
        WHERE item_id = $1 AND type = 'Inspection.complete' ORDER BY seq`,
      [order.itemId],
    );
    const after = rows.find((r) => r.data.inspectionId === returnInspectionId);
    const paidAt = order.paidAt?.getTime() ?? Number.POSITIVE_INFINITY;
    const before = rows
      .filter((r) => r !== after && new Date(r.created_at).getTime() <= paidAt)
      .at(-1);
    const raw =
      after && Array.isArray(after.data.findings)
        ? (after.data.findings as Array<Record<string, unknown>>)
        : [];
    return { before: reportSummary(before), after: reportSummary(after), raw };
  }

  /**
   * Damage the buyer caused: findings worse after the return than in the report the item was
   * sold with. Priced by the standard's deduction hints on those findings; without hints by
   * the valuation of the two grades; failing that, a fixed share per grade step.
   */
  private async assessReturn(
    m: EntityManager,
    order: SaleOrder,
    p: JobPayload<typeof ReturnInspected>,
  ): Promise<ReturnEvidence> {
    const { before, after, raw } = await this.inspectionReports(m, order, p.inspectionId);
    const worse = (GRADE_RANK[p.grade] ?? 0) < (GRADE_RANK[order.gradeSold] ?? 0);
    const beforeBy = new Map((before?.findings ?? []).map((f) => [f.checkId, f.severity]));
    const damage = (after?.findings ?? [])
      .filter(
        (f) =>
          (SEVERITY_RANK[f.severity] ?? 0) >
          (SEVERITY_RANK[beforeBy.get(f.checkId) ?? 'none'] ?? 0),
      )
      .map((f) => ({
        checkId: f.checkId,
        label: f.label,
        before: beforeBy.get(f.checkId) ?? 'none',
        after: f.severity,
      }));
    if (!worse || damage.length === 0 || before === null) {
      return {
        beforeSale: before,
        afterReturn: after,
        damage,
        outcome: 'full-refund',
        deductionMinor: 0,
        basis: !worse
          ? 'the returned item is graded as sold'
          : before === null
            ? 'no report of the item before its sale to compare with'
            : 'worse grade without a finding the sale report did not have: the merchant is answerable',
      };
    }
    const price = order.priceMinor;
    const damaged = new Set(damage.map((d) => d.checkId));
    const hinted = raw
      .filter((f) => damaged.has(String(f.checkId)))
      .reduce((sum, f) => {
        if (typeof f.deductionMinor === 'number') return sum + f.deductionMinor;
        if (typeof f.deductionShare === 'number') return sum + Math.round(f.deductionShare * price);
        return sum;
      }, 0);
    let deduction = hinted;
    let basis = 'the deduction the grading standard sets for each damage finding';
    if (deduction <= 0) {
      const item = await m.getRepository(Item).findOneByOrFail({ id: order.itemId });
      try {
        const [sold, returned] = await Promise.all(
          [order.gradeSold, p.grade].map((grade) =>
            this.valuation.value({
              productModelId: item.productModelId,
              categoryId: item.categoryId,
              grade,
            }),
          ),
        );
        if (sold.amountMinor <= 0) throw new Error('no value for the grade sold');
        deduction = Math.round(price * (1 - returned.amountMinor / sold.amountMinor));
        basis = `valuation of the item as ${p.grade} against ${order.gradeSold}`;
      } catch {
        const steps = (GRADE_RANK[order.gradeSold] ?? 0) - (GRADE_RANK[p.grade] ?? 0);
        deduction = Math.round(price * FALLBACK_DEDUCTION_PER_STEP * steps);
        basis = `${FALLBACK_DEDUCTION_PER_STEP * 100} % of the price per grade step down`;
      }
    }
    deduction = Math.min(price, Math.max(0, deduction));
    return {
      beforeSale: before,
      afterReturn: after,
      damage,
      outcome: deduction > 0 ? 'partial-refund' : 'full-refund',
      deductionMinor: deduction,
      basis,
    };
  }

  /**
   * Grading re-inspected the returned item: compare with the report it was sold with. Damage
   * the buyer caused is deducted (partial refund, the evidence shown to the buyer, open to a
   * dispute case); a worse grade without new damage is the merchant's grade mismatch (full
   * refund). The refund's idempotency key is the order's, so a re-run refunds once.
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
      const evidence = await this.assessReturn(m, order, p);
      const refundMinor = order.priceMinor - evidence.deductionMinor;
      const refund = await this.refund(
        m,
        order,
        'return-refund',
        refundMinor,
        evidence.outcome === 'partial-refund' ? 'buyer return, damage deducted' : 'buyer return',
      );
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
            refundMinor,
            damageMinor: evidence.deductionMinor,
          },
        }),
        job(NotifyOwner, {
          userId: order.buyerId,
          template:
            evidence.outcome === 'partial-refund'
              ? 'sale-order-partially-refunded'
              : 'sale-order-refunded',
          params: {
            saleOrderId: order.id,
            amountMinor: refundMinor,
            deductionMinor: evidence.deductionMinor,
            currency: order.currency,
          },
        }),
      ];
      if (worse) {
        // Worse than sold: misgraded by the merchant, or damaged by the buyer; a person reviews.
        jobs.push(
          job(OpenSupportCase, {
            kind: 'buyer-return-dispute',
            dedupeKey: `return-grade:${order.id}`,
            summary: `Returned item graded ${p.grade}, sold as ${order.gradeSold} (${evidence.outcome})`,
            itemIds: [order.itemId],
            orderRef: { kind: 'sale-order', id: order.id },
            customerId: order.buyerId,
            detail: {
              organisationId: order.merchantId,
              inspectionId: p.inspectionId,
              outcome: evidence.outcome,
              deductionMinor: evidence.deductionMinor,
              damage: evidence.damage,
            },
          }),
        );
      }
      const now = new Date();
      await this.transitions.apply(SaleOrderMachine, {
        manager: m,
        id: order.id,
        action: 'complete-return',
        actor: SYSTEM_ACTOR,
        patch: {
          returnGrade: p.grade,
          gradeMismatch: mismatch,
          returnedAt: now,
          refundMinor,
          refundStatus: refund.status,
          refundKey: refund.key,
          returnEvidence: evidence,
          returnDamageMinor: evidence.deductionMinor,
        },
        data: {
          inspectionId: p.inspectionId,
          gradeSold: order.gradeSold,
          gradeReturned: p.grade,
          gradeMismatch: mismatch,
          refundMinor,
          deductionMinor: evidence.deductionMinor,
          outcome: evidence.outcome,
          refundKey: refund.key,
        },
        jobs,
      });
      // Returned and refunded: the platform owns the item again; the buyer's period ends here.
      await this.items.transferOwnership(m, order.itemId, PLATFORM_OWNER, 'sale-returned');
    });
  }
}
