import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type Actor, seesEverything } from '../core/actor.js';
import { NotFound, TransitionConflict } from '../core/errors.js';
import type { Page } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { VIN_TERMINAL_ITEM_STATES } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import { ItemsService } from '../core/items/items.service.js';
import {
  CancelPickup,
  CheckVehicleMileage,
  QuoteTradeIn,
  SchedulePickup,
  type ShipmentAddress,
} from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import {
  PICKUP_WINDOWS,
  type PickupWindowBooking,
  type PickupWindowChoice,
} from '../core/read-models/pickup-windows.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import { lockSource } from '../core/source-lock.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { LeafCategoryRow } from '../catalog/category.entity.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import { expectedGradeFromDeclared } from '../valuation/engine/model.js';
import {
  assessOrder,
  type FraudAssessment,
  type LiveOrderItem,
  normaliseIdentifier,
} from '../valuation/engine/fraud.js';
import type { ItemValuation } from '../valuation/valuation.service.js';
import { TransfersService } from '../money/transfers/transfers.service.js';
import { payoutKey, TradeInWorkflow } from './trade-in-workflow.service.js';
import { BlockedIdentifierRepository } from './data/blocked-identifier.repository.js';
import { TradeInItem, TradeInOrder } from './data/trade-in.entities.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInPayoutRepository } from './data/trade-in-payout.repository.js';
import {
  TradeInItemMachine,
  TradeInOrderAccess,
  TradeInOrderMachine,
} from './domain/trade-in.machines.js';
import type { CreateTradeInDto, TradeInQuery } from './api/trade-ins.dto.js';

function valuationView(v: ItemValuation | null) {
  if (!v) return null;
  return {
    amountMinor: v.amountMinor,
    lowMinor: v.lowMinor,
    highMinor: v.highMinor,
    currency: v.currency,
    confidence: Math.round(v.confidence * 1000) / 1000,
    grade: v.details.grade,
    gradeSource: v.details.gradeSource,
    lines: v.lines,
    modelVersion: v.modelVersion,
  };
}

@Injectable()
export class TradeInsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly items: ItemsService,
    private readonly catalog: CatalogService,
    private readonly areas: ServiceAreasService,
    private readonly workflow: TradeInWorkflow,
    private readonly outbox: OutboxService,
    private readonly transfers: TransfersService,
    @Inject(PICKUP_WINDOWS) private readonly pickupWindows: PickupWindowBooking,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly valuation: ValuationService,
    private readonly orders: TradeInOrderRepository,
    private readonly payouts: TradeInPayoutRepository,
    private readonly blocklist: BlockedIdentifierRepository,
  ) {}

  // ---- owner actions --------------------------------------------------------------------

  async create(actor: Actor, dto: CreateTradeInDto): Promise<TradeInOrder> {
    const customerId = actor.userId;
    if (!customerId) throw new BadRequestException('a trade-in needs a signed-in owner');
    let serviceArea: TradeInOrder['serviceArea'] = null;
    let store: { id: string; organisationId: string | null } | null = null;
    if (dto.channel === 'online') {
      if (dto.storeId) throw bad('storeId', 'storeId is only for channel store');
      const coverage = await this.areas.checkCoverage(dto.address);
      if (!coverage.covered) {
        const nearest = coverage.nearestStore?.store ?? null;
        throw new BadRequestException({
          message: nearest
            ? `${coverage.message} You can drop your items off at ${nearest.name}, ${nearest.address}.`
            : coverage.message,
          reason: coverage.reason,
          nearestStore: nearest,
          fields: coverage.fields.map((f) => ({
            field: `address.${f}`,
            errors: [coverage.message],
          })),
        });
      }
      serviceArea = {
        cityCode: coverage.area.cityCode,
        cityName: coverage.area.cityName,
        districtCode: coverage.district.code,
        districtName: coverage.district.name,
      };
    } else {
      if (!dto.storeId) throw bad('storeId', 'storeId is required for channel store');
      const found = await this.areas.getStore(dto.storeId).catch(() => null);
      if (!found || !found.active) throw bad('storeId', `store ${dto.storeId} does not exist`);
      store = { id: found.id, organisationId: found.organisationId };
    }

    // Catalog facts first (outside the transaction): a bad reference is a 400, not a rollback.
    const resolved: Array<{
      leaf: LeafCategoryRow;
      productModelId: string | null;
      luxury: boolean;
      vin: string | null;
      variant: string | null;
    }> = [];
    for (const [i, it] of dto.items.entries()) {
      let categoryId = it.categoryId ?? null;
      if (it.productModelId) {
        const model = await this.catalog.getProductModel(it.productModelId).catch(() => null);
        if (!model) throw bad(`items.${i}.productModelId`, 'unknown product model');
        if (categoryId && categoryId !== model.categoryId) {
          throw bad(`items.${i}.categoryId`, 'does not match the product model');
        }
        categoryId = model.categoryId;
      }
      if (!categoryId) throw bad(`items.${i}`, 'give a productModelId or a categoryId');
      const leaf = await this.catalog.getLeaf(categoryId).catch((e: unknown) => {
        if ((e as { getStatus?: () => number }).getStatus?.() === 400) throw e;
        return null;
      });
      if (!leaf) throw bad(`items.${i}.categoryId`, 'unknown category');
      const path = await this.catalog.path(leaf.id);
      const vin = await this.checkVin(leaf, it.vin, `items.${i}.vin`);
      if (vin && resolved.some((r) => r.vin === vin))
        throw bad(`items.${i}.vin`, 'is listed twice');
      // The variant and the self-assessment are priced by the quote job: check them now, so a
      // mistake is this request's 400 and not a quote that never comes.
      let variant: string | null = null;
      if (it.variant !== undefined) {
        const model = it.productModelId
          ? await this.catalog.getProductModel(it.productModelId)
          : null;
        await prefixed(`items.${i}`, () => this.valuation.variantOf(model, it.variant!));
        variant = it.variant;
      }
      await prefixed(`items.${i}`, () =>
        this.valuation.selfAssessment(leaf.standardCode, { ...it.declaredCondition }),
      );
      resolved.push({
        leaf,
        productModelId: it.productModelId ?? null,
        luxury: path[0]?.code === 'luxury',
        vin,
        variant,
      });
    }

    return this.dataSource.transaction(async (m) => {
      const own: TradeInItem[] = [];
      const order = await this.transitions.create(TradeInOrderMachine, {
        manager: m,
        actor,
        values: {
          customerId,
          channel: dto.channel,
          storeId: store?.id ?? null,
          storeOrganisationId: store?.organisationId ?? null,
          address: { ...dto.address },
          serviceArea,
          currency: 'CNY',
          held: false,
          holdReasons: [],
          fraud: {},
        },
        jobs: (o) => [job(QuoteTradeIn, { orderId: o.id })],
      });
      for (const [i, it] of dto.items.entries()) {
        const { leaf, productModelId, luxury, vin, variant } = resolved[i];
        const declaredCondition = { ...it.declaredCondition } as Record<string, unknown>;
        const item = await this.items.register(
          m,
          actor,
          {
            categoryId: leaf.id,
            productModelId,
            serialNumber: it.serialNumber ?? null,
            imei: it.imei ?? null,
            vin,
            declaredCondition,
            ownerId: customerId,
            custodian: { kind: 'owner', id: customerId },
            erasureStatus: leaf.requiresErasure ? 'pending' : 'not_required',
          },
          { data: { tradeInOrderId: order.id } },
        );
        const created = await this.transitions.create(TradeInItemMachine, {
          manager: m,
          actor,
          values: {
            orderId: order.id,
            customerId,
            itemId: item.id,
            position: i + 1,
            productModelId,
            categoryId: leaf.id,
            variant,
            specialPackaging: luxury,
            declaredCondition,
            serialNumber: it.serialNumber ?? null,
            imei: it.imei ?? null,
            serialNorm: it.serialNumber ? normaliseIdentifier(it.serialNumber) : null,
            imeiNorm: it.imei ? normaliseIdentifier(it.imei) : null,
            confirmedBySecondGrader: false,
            payoutFrozen: false,
          },
        });
        own.push(created);
        // The odometer check runs at trade-in, not only when someone opens the car's page.
        if (vin) {
          await this.outbox.write(m, [
            job(CheckVehicleMileage, { vin, itemIds: [item.id], trigger: 'trade-in' }),
          ]);
        }
      }
      await this.assessFraud(m, order, own);
      return this.orders.orderOrFail(m, order.id);
    });
  }

  /**
   * Vehicle categories (identifier 'vin') need a valid ISO 3779 VIN (400 naming the field) that
   * no live item already carries (409): one live item per VIN.
   */
  private async checkVin(
    leaf: LeafCategoryRow,
    input: string | undefined,
    field: string,
  ): Promise<string | null> {
    if (leaf.identifier !== 'vin') {
      if (input !== undefined) throw bad(field, 'is only for vehicle categories');
      return null;
    }
    if (!input) throw bad(field, 'is required for a vehicle');
    const checked = this.vehicles.checkVin(input);
    if (!checked.valid) throw bad(field, checked.error ?? 'is not a valid VIN');
    const live = await this.orders.liveItemWithVin(checked.vin, VIN_TERMINAL_ITEM_STATES);
    if (live) {
      throw new ConflictException({
        message: `VIN ${checked.vin} is already on a live item (${live})`,
        fields: [{ field, errors: ['already on a live item'] }],
      });
    }
    return checked.vin;
  }

  /**
   * Fraud signals at order time (assessOrder): duplicates among live orders, the blocklist, IMEI
   * validity and the owner's past declarations. They lower confidence or hold; never the price.
   */
  /** `own`: the order's items, as just created in this transaction. */
  private async assessFraud(
    m: EntityManager,
    order: TradeInOrder,
    own: readonly TradeInItem[],
  ): Promise<void> {
    const ids = [
      ...new Set(own.flatMap((i) => [i.imeiNorm, i.serialNorm]).filter((x): x is string => !!x)),
    ].sort();
    // Two orders with the same identifier at the same moment: the second waits and sees the first.
    await this.orders.lockIdentifiers(m, ids);
    const toLive = (i: {
      orderId: string;
      itemId: string;
      serialNumber: string | null;
      imei: string | null;
    }): LiveOrderItem => ({
      orderId: i.orderId,
      itemId: i.itemId,
      serialNumber: i.serialNumber,
      imei: i.imei,
    });
    const others = ids.length ? await this.orders.liveItemsWithIdentifiers(m, order.id, ids) : [];
    const blocklist = ids.length ? await this.blocklist.matching(m, ids) : [];
    const past = await this.orders.pastGradings(m, order.customerId, order.id);
    const assessment: FraudAssessment = assessOrder({
      orderItems: own.map(toLive),
      otherLiveItems: others.map((r) =>
        toLive({
          orderId: r.order_id,
          itemId: r.item_id,
          serialNumber: r.serial_number,
          imei: r.imei,
        }),
      ),
      blocklist: blocklist.map((b) => ({
        identifier: b.identifier,
        reason: b.reason ?? undefined,
      })),
      ownerHistory: past.map((r) => ({
        declaredGrade: expectedGradeFromDeclared(r.declared_condition),
        inspectedGrade: r.grade,
      })),
    });
    await this.orders.setFraud(m, order.id, assessment);
    order.fraud = assessment;
    const at = new Date().toISOString();
    for (const s of assessment.signals.filter((x) => x.severity === 'hold')) {
      await this.workflow.hold(m, order, { code: s.code, detail: s.detail, at });
      // The other live order with the same identifier is just as suspect.
      for (const otherId of (s.orderIds ?? []).filter((id) => id !== order.id)) {
        const other = await this.orders.otherOrder(m, otherId);
        if (other) await this.workflow.hold(m, other, { code: s.code, detail: s.detail, at });
      }
    }
  }

  /**
   * The owner accepts the quote. An online order may name the pickup window the owner chose
   * from the free ones: checked here under the area's booking lock (409 when it filled
   * meanwhile), then booked by logistics from the SchedulePickup job.
   */
  async accept(
    actor: Actor,
    id: string,
    version?: number,
    pickupWindow?: PickupWindowChoice,
  ): Promise<TradeInOrder> {
    return this.dataSource.transaction(async (m) => {
      const order = await this.lockVisible(m, actor, id);
      const items = await this.workflow.itemsOf(m, id);
      const now = new Date();
      if (pickupWindow) {
        if (order.channel !== 'online') {
          throw bad('pickupWindow', 'is only for online orders (a store order is dropped off)');
        }
        if (order.state === 'QUOTED') {
          await this.pickupWindows.assertBookable(m, order.address, pickupWindow, now);
        }
      }
      // A car is inspected at the owner's address and driven in, not put in a bag.
      const car = await this.orders.anyVehicle(
        m,
        items.map((i) => i.itemId),
      );
      return this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        current: order,
        action: 'accept',
        actor,
        expectedVersion: version,
        patch: { acceptedAt: now },
        jobs: (o) =>
          o.channel === 'online'
            ? [
                job(SchedulePickup, {
                  direction: 'inbound',
                  source: { kind: 'trade-in', id: o.id },
                  customerId: o.customerId,
                  itemIds: items.map((i) => i.itemId),
                  address: o.address,
                  warehouseId: null,
                  requestedAt: now.toISOString(),
                  specialPackaging: items.some((i) => i.specialPackaging),
                  ...(car ? { mode: 'inspection-at-address' as const } : {}),
                  ...(pickupWindow
                    ? {
                        window: {
                          date: pickupWindow.date,
                          windowIndex: pickupWindow.windowIndex,
                        },
                      }
                    : {}),
                }),
              ]
            : [],
      });
    });
  }

  /**
   * The owner (or an admin) calls the trade-in off before collection. The courier's collect
   * of the order's pickup takes the same lock (lockSource), so the two never cross: whichever
   * comes second answers 409 — a cancel after the courier has the items is refused (they come
   * in and go through inspection), a collect after the cancel is refused by the items' state.
   */
  async cancel(actor: Actor, id: string, version?: number): Promise<TradeInOrder> {
    return this.dataSource.transaction(async (m) => {
      await lockSource(m, { kind: 'trade-in', id });
      const before = await this.lockVisible(m, actor, id);
      if (before.state === 'ACCEPTED') {
        const items = await this.workflow.itemsOf(m, id);
        const collected = await this.orders.collectedTraceCodes(
          m,
          items.map((i) => i.itemId),
        );
        if (collected.length > 0) {
          throw new TransitionConflict(
            `Cannot cancel: the courier has already collected ${collected.join(', ')}`,
            {
              entity: 'TradeInOrder',
              state: before.state,
              version: before.version,
              allowedActions: [],
            },
          );
        }
      }
      return this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        action: 'cancel',
        actor,
        expectedVersion: version,
        effects: (mm) => this.workflow.cancelItems(mm, id, actor),
        // Accepted means a pickup was asked for: call the courier off.
        jobs:
          before.state === 'ACCEPTED'
            ? [
                job(CancelPickup, {
                  source: { kind: 'trade-in', id },
                  direction: 'inbound',
                  reason: `trade-in cancelled by the ${actor.role}`,
                }),
              ]
            : [],
      });
    });
  }

  /** Store staff take the items in: they are on their way to a warehouse from here. */
  async dropOff(actor: Actor, id: string, version?: number): Promise<TradeInOrder> {
    return this.dataSource.transaction(async (m) => {
      const order = await this.lockVisible(m, actor, id);
      const items = await this.workflow.itemsOf(m, id);
      const custodian = { kind: 'store', id: order.storeOrganisationId };
      return this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        action: 'drop-off',
        actor,
        expectedVersion: version,
        patch: { collectedAt: new Date() },
        custodian,
        effects: async (mm) => {
          for (const it of items) {
            await this.transitions.apply(ItemMachine, {
              manager: mm,
              id: it.itemId,
              action: 'collect',
              actor: actor.role === 'admin' ? actor : { ...actor, role: 'warehouse' },
              checkAccess: false,
              custodian,
              patch: { custodianKind: 'store', custodianId: order.storeOrganisationId },
            });
          }
        },
      });
    });
  }

  async acceptOffer(actor: Actor, id: string, itemId: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      await this.lockVisible(m, actor, id);
      const it = await this.tradeInItem(m, id, itemId);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'accept-offer',
        actor,
        expectedVersion: version,
        data: { finalMinor: it.finalMinor },
      });
      await this.workflow.reconcile(m, id);
      return this.orders.orderOrFail(m, id);
    });
  }

  async rejectOffer(actor: Actor, id: string, itemId: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      const order = await this.lockVisible(m, actor, id);
      const it = await this.tradeInItem(m, id, itemId);
      await this.workflow.sendBack(m, order, it, {
        action: 'reject-offer',
        actor,
        expectedVersion: version,
        reason: 'owner rejected the final offer',
      });
      return this.orders.orderOrFail(m, id);
    });
  }

  /**
   * A store drop-off that went back is handed to its owner over the store's counter, by that
   * store's staff (or an admin), once the return shipment has brought it there.
   */
  async handBack(actor: Actor, id: string, itemId: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      const order = await this.lockVisible(m, actor, id);
      if (actor.role === 'warehouse' && order.storeOrganisationId !== actor.organisationId) {
        throw new NotFound('Trade-in', id);
      }
      const it = await this.tradeInItem(m, id, itemId);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'hand-back',
        actor,
        expectedVersion: version,
        checkAccess: false,
        data: { storeId: order.storeId },
        effects: async (mm) => {
          await this.transitions.apply(ItemMachine, {
            manager: mm,
            id: it.itemId,
            action: 'hand-back',
            actor,
            checkAccess: false,
            custodian: { kind: 'owner', id: order.customerId },
            patch: { custodianKind: 'owner', custodianId: order.customerId },
            data: { storeId: order.storeId },
          });
        },
      });
      await this.workflow.reconcile(m, id);
      return this.orders.orderOrFail(m, id);
    });
  }

  // ---- review (support / admin) ----------------------------------------------------------

  /**
   * The order's `release-hold` self-loop (409 when it is not held or `version` is stale); the
   * payouts that waited are created by the reconcile that follows.
   */
  async releaseHold(actor: Actor, id: string, note: string, version?: number) {
    return this.dataSource.transaction(async (m) => {
      const order = await this.workflow.lockOrder(m, id);
      if (!order) throw new NotFound('Trade-in', id);
      const items = await this.orders.itemsOfUnordered(m, id);
      await this.assertHoldDecider(
        m,
        actor,
        id,
        items.map((i) => i.warehouseId),
        'Only a warehouse lead or an admin releases a held order',
      );
      await this.transitions.apply(TradeInOrderMachine, {
        manager: m,
        id,
        action: 'release-hold',
        actor,
        expectedVersion: version,
        // A lead of the receiving warehouse may not read the order: authorised just above.
        checkAccess: false,
        patch: { held: false },
        data: (o) => ({ note, reasons: o.holdReasons.map((r) => r.code) }),
      });
      await this.workflow.reconcile(m, id);
      return this.orders.orderOrFail(m, id);
    });
  }

  /** Admin clears a receiving exception's freeze on one item's payout (`unfreeze-payout`). */
  async unfreezePayout(actor: Actor, id: string, itemId: string, note: string) {
    return this.dataSource.transaction(async (m) => {
      await this.lockVisible(m, actor, id);
      const it = await this.tradeInItem(m, id, itemId);
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'unfreeze-payout',
        actor,
        checkAccess: false,
        patch: { payoutFrozen: false, frozenReason: null },
        data: { note },
        // A mileage hold stays until its own decision.
        effects: async (mm, item) => {
          if (!item.mileageHold) await this.releasePayout(mm, item.id);
        },
      });
      return this.orders.orderOrFail(m, id);
    });
  }

  /**
   * A car's mileage hold is decided by an admin or a lead of the warehouse that received the
   * car — not by support, and not by a grader who is not a lead (`release-mileage-hold`): the
   * payout goes ahead (payable, unless a receiving exception still freezes it).
   */
  async decideMileageHold(actor: Actor, id: string, itemId: string, note: string) {
    return this.dataSource.transaction(async (m) => {
      const order = await this.workflow.lockOrder(m, id);
      if (!order) throw new NotFound('Trade-in', id);
      const it = await this.tradeInItem(m, id, itemId);
      await this.assertHoldDecider(
        m,
        actor,
        id,
        [it.warehouseId],
        'Only a warehouse lead or an admin decides a mileage hold',
      );
      const decision = {
        decision: 'release' as const,
        note,
        by: actor.userId,
        role: actor.role,
        at: new Date().toISOString(),
      };
      await this.transitions.apply(TradeInItemMachine, {
        manager: m,
        id: it.id,
        action: 'release-mileage-hold',
        actor,
        checkAccess: false,
        patch: { mileageHold: false, mileageDecision: decision },
        data: { note, evidence: it.mileageHoldDetail },
        // A receiving exception's freeze stays until its own decision.
        effects: async (mm, item) => {
          if (!item.payoutFrozen) await this.releasePayout(mm, item.id);
        },
      });
      return this.orders.orderOrFail(m, id);
    });
  }

  // ---- reads ----------------------------------------------------------------------------

  async get(actor: Actor, id: string): Promise<TradeInOrder> {
    const order = await this.orders.findOrder(id);
    return TradeInOrderAccess.assertVisible(order, actor, id);
  }

  async list(actor: Actor, q: TradeInQuery): Promise<Page<ReturnType<TradeInsService['summary']>>> {
    const page = await this.orders.page(actor, q);
    return { ...page, items: page.items.map((o) => this.summary(actor, o)) };
  }

  summary(actor: Actor, o: TradeInOrder) {
    return withActions(TradeInOrderMachine, o, actor, {
      id: o.id,
      customerId: o.customerId,
      channel: o.channel,
      quotedTotal:
        o.quotedTotalMinor === null
          ? null
          : { amountMinor: o.quotedTotalMinor, currency: o.currency },
      quoteValidUntil: o.quoteValidUntil,
      held: o.held,
      createdAt: o.createdAt,
    });
  }

  async view(actor: Actor, order: TradeInOrder) {
    const items = await this.orders.itemsOf(this.dataSource.manager, order.id);
    const payouts = await this.payouts.ofOrder(order.id);
    const traceCodes = await this.items.traceCodes(items.map((i) => i.itemId));
    const staff = seesEverything(actor);
    const fraud = order.fraud as Partial<FraudAssessment>;
    // A store order may come without an address (the owner hands the items in).
    const address: Partial<ShipmentAddress> = order.address;
    // The order's store staff act on its items too (hand-back over the counter).
    const atTheirStore = actor.role === 'warehouse' && TradeInOrderAccess.canSee(order, actor);
    const itemMachine = atTheirStore
      ? { ...TradeInItemMachine, canAccess: () => true }
      : TradeInItemMachine;
    return withActions(TradeInOrderMachine, order, actor, {
      id: order.id,
      customerId: order.customerId,
      channel: order.channel,
      storeId: order.storeId,
      address,
      serviceArea: order.serviceArea,
      currency: order.currency,
      quotedTotal:
        order.quotedTotalMinor === null
          ? null
          : { amountMinor: order.quotedTotalMinor, currency: order.currency },
      quotedAt: order.quotedAt,
      quoteValidUntil: order.quoteValidUntil,
      acceptedAt: order.acceptedAt,
      collectedAt: order.collectedAt,
      settledAt: order.settledAt,
      pickup: order.pickup,
      held: order.held,
      // Owners see that the order is under review; the signals (other orders' ids) are staff-only.
      holdReasons: staff ? order.holdReasons : order.holdReasons.map((r) => ({ code: r.code })),
      fraud: staff
        ? { signals: fraud.signals ?? [], confidencePenalty: fraud.confidencePenalty ?? 0 }
        : undefined,
      items: items.map((it) => {
        const payout = payouts.find((p) => p.tradeInItemId === it.id);
        return withActions(itemMachine, it, actor, {
          id: it.id,
          itemId: it.itemId,
          traceCode: traceCodes.get(it.itemId) ?? null,
          position: it.position,
          productModelId: it.productModelId,
          categoryId: it.categoryId,
          variant: it.variant,
          declaredCondition: it.declaredCondition,
          serialNumber: it.serialNumber,
          imei: it.imei,
          quote: valuationView(it.quote),
          finalOffer: valuationView(it.final),
          explanation: it.explanation,
          grade: it.grade,
          inspectionId: it.inspectionId,
          receivedAt: it.receivedAt,
          offerValidUntil: it.offerValidUntil,
          atStoreSince: it.atStoreSince,
          payoutFrozen: it.payoutFrozen,
          frozenReason: staff ? it.frozenReason : undefined,
          // A car's mileage flag holding the payout, with its evidence (no personal data).
          mileageHold: it.mileageHold ? it.mileageHoldDetail : null,
          mileageDecision: it.mileageDecision
            ? { decision: it.mileageDecision.decision, at: it.mileageDecision.at }
            : null,
          payout: payout
            ? {
                id: payout.id,
                amountMinor: payout.amountMinor,
                currency: payout.currency,
                status: payout.status,
                paidAt: payout.paidAt,
                createdAt: payout.createdAt,
              }
            : null,
        });
      }),
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
    });
  }

  // ---- helpers --------------------------------------------------------------------------

  /**
   * Holds guard money (payouts), so they are decided by an admin or a lead of a warehouse that
   * received the goods: another warehouse gets 404, a grader who is not a lead 403.
   */
  private async assertHoldDecider(
    m: EntityManager,
    actor: Actor,
    orderId: string,
    warehouseIds: ReadonlyArray<string | null>,
    refusal: string,
  ): Promise<void> {
    if (actor.role === 'admin' || actor.role === 'system') return;
    const theirs =
      actor.role === 'warehouse' &&
      actor.organisationId !== null &&
      warehouseIds.includes(actor.organisationId);
    if (!theirs) throw new NotFound('Trade-in', orderId);
    if (!(await this.orders.isLead(m, actor.userId))) throw new ForbiddenException(refusal);
  }

  /** The item's frozen payout becomes payable again, and its held transfer goes ahead. */
  private async releasePayout(m: EntityManager, tradeInItemId: string): Promise<void> {
    await this.payouts.unfreeze(m, tradeInItemId);
    await this.transfers.release(m, payoutKey(tradeInItemId));
  }

  private async lockVisible(m: EntityManager, actor: Actor, id: string): Promise<TradeInOrder> {
    return TradeInOrderAccess.assertVisible(await this.workflow.lockOrder(m, id), actor, id);
  }

  private async tradeInItem(m: EntityManager, orderId: string, id: string): Promise<TradeInItem> {
    const it = await this.orders.itemOfOrder(m, orderId, id);
    if (!it) throw new NotFound('Trade-in item', id);
    return it;
  }
}

function bad(field: string, message: string): BadRequestException {
  return new BadRequestException({
    message: `Invalid input: ${field} ${message}`,
    fields: [{ field, errors: [message] }],
  });
}

/** Runs a check whose 400 names fields of one item: its fields get the item's path in front. */
async function prefixed<T>(path: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (err) {
    if (!(err instanceof BadRequestException)) throw err;
    const body = err.getResponse() as {
      message?: unknown;
      fields?: Array<{ field: string; errors: string[] }>;
    };
    const fields = (body.fields ?? [{ field: '', errors: [String(body.message)] }]).map((f) => ({
      field: f.field ? `${path}.${f.field}` : path,
      errors: f.errors,
    }));
    throw new BadRequestException({
      message: `Invalid input: ${path}: ${String(body.message)}`,
      fields,
    });
  }
}
