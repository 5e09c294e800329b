import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { LeafCategoryRow } from '../catalog/data/category.entity.js';
import { CatalogService } from '../catalog/catalog.service.js';
import type { Actor } from '../core/actor.js';
import { VIN_TERMINAL_ITEM_STATES } from '../core/items/item.entity.js';
import { ItemsService } from '../core/items/items.service.js';
import { CheckVehicleMileage, QuoteTradeIn } from '../core/jobs/job-catalogue.js';
import { job } from '../core/jobs/job-definition.js';
import { OutboxService } from '../core/outbox/outbox.service.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ServiceAreasService } from '../service-areas/service-areas.service.js';
import {
  assessOrder,
  type FraudAssessment,
  type LiveOrderItem,
  normaliseIdentifier,
} from '../valuation/engine/fraud.js';
import { expectedGradeFromDeclared } from '../valuation/engine/model.js';
import { ValuationService } from '../valuation/valuation.service.js';
import type { CreateTradeInDto } from './api/trade-ins.dto.js';
import { BlockedIdentifierRepository } from './data/blocked-identifier.repository.js';
import { TradeInItem, TradeInOrder } from './data/trade-in.entities.js';
import { TradeInOrderRepository } from './data/trade-in-order.repository.js';
import { TradeInItemMachine, TradeInOrderMachine } from './domain/trade-in.machines.js';
import { TradeInSettlement } from './trade-in-settlement.service.js';

/**
 * An owner's new trade-in (seller action): the service area or store, the catalogue facts and
 * VINs checked before anything is written, then the order, its items on their journey, the
 * quote job and the fraud signals at order time.
 */
@Injectable()
export class TradeInIntake {
  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: TransitionService,
    private readonly items: ItemsService,
    private readonly catalog: CatalogService,
    private readonly areas: ServiceAreasService,
    private readonly outbox: OutboxService,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly valuation: ValuationService,
    private readonly orders: TradeInOrderRepository,
    private readonly blocklist: BlockedIdentifierRepository,
    private readonly settlement: TradeInSettlement,
  ) {}

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
        // Its items are registered below, each with its own history entry.
        itemIds: [],
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
      await this.settlement.hold(m, order, { code: s.code, detail: s.detail, at });
      // The other live order with the same identifier is just as suspect.
      for (const otherId of (s.orderIds ?? []).filter((id) => id !== order.id)) {
        const other = await this.orders.otherOrder(m, otherId);
        if (other) await this.settlement.hold(m, other, { code: s.code, detail: s.detail, at });
      }
    }
  }
}

export function bad(field: string, message: string): BadRequestException {
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
