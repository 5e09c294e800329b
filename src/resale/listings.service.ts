import { BadRequestException, ConflictException, Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogService } from '../catalog/catalog.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { mapPage } from '../core/http/pagination.js';
import { withActions } from '../core/http/stateful-view.js';
import { Item } from '../core/items/item.entity.js';
import { ItemMachine } from '../core/items/item.machine.js';
import {
  ERASURE_CERTIFICATES,
  type ErasureCertificates,
} from '../core/read-models/erasure-certificates.js';
import { TransitionService } from '../core/state-machine/transition.service.js';
import { ValuationService } from '../valuation/valuation.service.js';
import { gradeLabels, type SellableGrade } from './domain/grade-labels.js';
import { priceBand, priceRefusal, returnWindowDays, warrantyMonths } from './domain/pricing.js';
import type { CreateListingDto, ListingQuery, UpdateListingDto } from './api/resale.dto.js';
import { type InspectionSummary, Listing, type ListingState } from './data/resale.entities.js';
import { ListingAccess, ListingMachine } from './domain/resale.machines.js';
import { PhotosService } from '../photos/photos.service.js';
import { ListingRepository } from './data/listing.repository.js';

export function listingView(l: Listing) {
  return {
    id: l.id,
    merchantId: l.merchantId,
    itemId: l.itemId,
    categoryId: l.categoryId,
    productModelId: l.productModelId,
    title: l.title,
    description: l.description,
    price: { amountMinor: l.priceMinor, currency: l.currency },
    pricing: {
      suggestedMinor: l.suggestedPriceMinor,
      floorMinor: l.priceFloorMinor,
      ceilingMinor: l.priceCeilingMinor,
      valuation: l.valuation,
    },
    grade: l.grade,
    gradeLabels: l.gradeLabels,
    inspection: l.inspection,
    certificates: l.certificates,
    erasureStatus: l.erasureStatus,
    warrantyMonths: l.warrantyMonths,
    returnWindowDays: l.returnWindowDays,
    publishedAt: l.publishedAt,
    soldAt: l.soldAt,
    withdrawnAt: l.withdrawnAt,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
  };
}

function badPrice(message: string): BadRequestException {
  return new BadRequestException({
    message: `Invalid input: priceMinor`,
    fields: [{ field: 'priceMinor', errors: [message] }],
  });
}

/**
 * Listings: a merchant offers an item it holds, at a price within a band around the valuation
 * engine's suggestion, with the grade in buyers' words, the inspection summary, the erasure
 * certificates and the warranty. Publishing lists the item (erasure gate), withdrawing unlists.
 */
@Injectable()
export class ListingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly listings: ListingRepository,
    private readonly transitions: TransitionService,
    private readonly valuation: ValuationService,
    private readonly catalog: CatalogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly photos: PhotosService,
    @Inject(ERASURE_CERTIFICATES) private readonly erasure: ErasureCertificates,
  ) {}

  view(actor: Actor, l: Listing) {
    return withActions(ListingMachine, l, actor, listingView(l));
  }

  async get(actor: Actor, id: string): Promise<Listing> {
    const l = await this.listings.findListing(id);
    return ListingAccess.assertVisible(l, actor, id);
  }

  async list(actor: Actor, q: ListingQuery) {
    return mapPage(await this.listings.page(actor, q), (l) => this.view(actor, l));
  }

  /** A draft listing of an item the merchant holds (ALLOCATED). */
  async create(actor: Actor, dto: CreateListingDto): Promise<Listing> {
    const merchantId = actor.organisationId;
    const item = await this.listings.findItem(dto.itemId);
    if (
      !item ||
      !merchantId ||
      item.custodianKind !== 'merchant' ||
      item.custodianId !== merchantId
    ) {
      throw new NotFound('Inventory item', dto.itemId);
    }
    if (item.state !== 'ALLOCATED') {
      throw new ConflictException({
        message: `Item ${item.traceCode} is ${item.state}: only an item in your inventory (ALLOCATED) can be listed`,
        state: item.state,
      });
    }
    if (item.grade !== 'premium' && item.grade !== 'good') {
      throw new ConflictException(`Item ${item.traceCode} has no sellable grade`);
    }
    const grade: SellableGrade = item.grade;
    const merchant = await this.listings.merchantOrFail(merchantId);
    const suggestion = await this.suggest(item, grade);
    const band = priceBand(suggestion.amountMinor);
    const price = dto.priceMinor ?? Math.max(1, band.suggestedMinor);
    const refusal = priceRefusal(price, band);
    if (refusal) throw badPrice(refusal);

    const inspection = await this.latestInspection(this.dataSource.manager, item.id);
    const certificates = await this.erasure.validFor(this.dataSource.manager, item.id);
    const path = item.categoryId ? await this.catalog.path(item.categoryId) : [];
    const model = item.productModelId
      ? await this.catalog.getProductModel(item.productModelId).catch(() => null)
      : null;
    const leaf = path[path.length - 1];
    const title =
      dto.title ?? (model ? `${model.brand} ${model.model}` : (leaf?.name ?? 'Refurbished item'));
    const searchTerms = [
      ...path.flatMap((c) => [c.name, c.nameZh]),
      model?.brand ?? '',
      model?.model ?? '',
    ]
      .filter(Boolean)
      .join(' ');
    const caps = merchant.capabilities ?? {};

    return this.transitions.create(ListingMachine, {
      actor,
      values: {
        merchantId,
        itemId: item.id,
        categoryId: item.categoryId,
        categoryIds: path.map((c) => c.id),
        productModelId: item.productModelId,
        title,
        description: dto.description ?? '',
        searchTerms,
        priceMinor: price,
        currency: 'CNY',
        suggestedPriceMinor: band.suggestedMinor,
        priceFloorMinor: band.floorMinor,
        priceCeilingMinor: Math.min(band.ceilingMinor, Number.MAX_SAFE_INTEGER),
        valuation: suggestion.details,
        grade,
        gradeLabels: gradeLabels(grade, inspection?.findings ?? []),
        inspection,
        certificates,
        erasureStatus: item.erasureStatus,
        warrantyMonths: warrantyMonths(grade, caps.warrantyMonths, dto.warrantyMonths),
        returnWindowDays: returnWindowDays(
          caps.returnWindowDays,
          this.config.resale.returnWindowDays,
        ),
      },
      data: { priceMinor: price, suggestedMinor: band.suggestedMinor },
    });
  }

  /** The valuation engine's price for the item as graded; 0 (no band) when it cannot say. */
  private async suggest(
    item: Item,
    grade: SellableGrade,
  ): Promise<{ amountMinor: number; details: Record<string, unknown> }> {
    try {
      const v = await this.valuation.value({
        productModelId: item.productModelId,
        categoryId: item.categoryId,
        grade,
      });
      return {
        amountMinor: v.amountMinor,
        details: {
          amountMinor: v.amountMinor,
          lowMinor: v.lowMinor,
          highMinor: v.highMinor,
          confidence: v.confidence,
          modelVersion: v.modelVersion,
          paramsVersion: v.paramsVersion,
          basis: v.basis,
        },
      };
    } catch (err) {
      if (err instanceof BadRequestException) {
        return { amountMinor: 0, details: { basis: 'none', reason: err.message } };
      }
      throw err;
    }
  }

  /** The latest completed inspection report in the item's history, without who graded it. */
  async latestInspection(m: EntityManager, itemId: string): Promise<InspectionSummary | null> {
    const r = await this.listings.latestInspectionEvent(m, itemId);
    if (!r) return null;
    const d = r.data;
    const std = d.standard as { code?: string; version?: number } | undefined;
    const findings = Array.isArray(d.findings)
      ? (d.findings as Array<{ label?: unknown; severity?: unknown }>)
          .filter((f) => typeof f.severity === 'string' && f.severity !== 'none')
          .map((f) => ({
            label: typeof f.label === 'string' ? f.label : '',
            severity: f.severity as string,
          }))
      : [];
    return {
      inspectionId: typeof d.inspectionId === 'string' ? d.inspectionId : null,
      grade: typeof d.grade === 'string' ? d.grade : null,
      summary: typeof d.summary === 'string' ? d.summary : null,
      score: typeof d.score === 'number' ? d.score : null,
      standard:
        std && typeof std.code === 'string' && typeof std.version === 'number'
          ? { code: std.code, version: std.version }
          : null,
      findings,
      completedAt: new Date(r.at).toISOString(),
    };
  }

  /** The listing's photos, in the order shown on the market. */
  listingPhotos(actor: Actor, id: string) {
    return this.photos.forSubject(actor, 'listing', id);
  }

  /**
   * Adds photos the merchant uploaded (purpose listing) after the ones it has; they are public
   * from then on (the market shows them). A sold or withdrawn listing takes no more: 409.
   */
  async attachPhotos(actor: Actor, id: string, photoIds: string[]) {
    const listing = await this.get(actor, id);
    if (listing.state === 'SOLD' || listing.state === 'WITHDRAWN') {
      throw new ConflictException({
        message: `Listing ${id} is ${listing.state}: its photos can no longer change`,
        state: listing.state,
      });
    }
    await this.dataSource.transaction(async (m) => {
      const position = await this.photos.countFor(m, 'listing', id);
      await this.photos.attach(m, actor, 'listing', id, photoIds, {
        field: 'photoIds',
        position,
        public: true,
      });
    });
    return { photos: await this.listingPhotos(actor, id) };
  }

  async update(actor: Actor, id: string, dto: UpdateListingDto): Promise<Listing> {
    const current = await this.get(actor, id);
    if (dto.priceMinor !== undefined) {
      const refusal = priceRefusal(dto.priceMinor, {
        suggestedMinor: current.suggestedPriceMinor,
        floorMinor: current.priceFloorMinor,
        ceilingMinor: current.priceCeilingMinor,
      });
      if (refusal) throw badPrice(refusal);
    }
    const patch: Partial<Listing> = {
      ...(dto.priceMinor !== undefined ? { priceMinor: dto.priceMinor } : {}),
      ...(dto.title !== undefined ? { title: dto.title } : {}),
      ...(dto.description !== undefined ? { description: dto.description } : {}),
      ...(dto.warrantyMonths !== undefined ? { warrantyMonths: dto.warrantyMonths } : {}),
    };
    return this.transitions.apply<ListingState, Listing>(ListingMachine, {
      id,
      action: 'edit',
      actor,
      expectedVersion: dto.version,
      patch,
      data: { changes: { ...patch }, previousPriceMinor: current.priceMinor },
    });
  }

  /** DRAFT → PUBLISHED and the item LISTED (the erasure gate is checked again here). */
  async publish(actor: Actor, id: string, version?: number): Promise<Listing> {
    return this.dataSource.transaction(async (m) => {
      const listing = await this.transitions.apply(ListingMachine, {
        manager: m,
        id,
        action: 'publish',
        actor,
        expectedVersion: version,
        patch: { publishedAt: new Date() },
        data: (l) => ({ priceMinor: l.priceMinor }),
      });
      await this.moveItem(m, actor, listing, 'list');
      return listing;
    });
  }

  async withdraw(actor: Actor, id: string, version?: number): Promise<Listing> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.listings.lockListing(m, id);
      const listing = await this.transitions.apply(ListingMachine, {
        manager: m,
        id,
        action: 'withdraw',
        actor,
        expectedVersion: version,
        patch: { withdrawnAt: new Date() },
      });
      if (before?.state === 'PUBLISHED') await this.moveItem(m, actor, listing, 'unlist');
      return listing;
    });
  }

  /** The listed item follows its listing (the listing's own transition checked the actor). */
  private async moveItem(
    m: EntityManager,
    actor: Actor,
    listing: Listing,
    action: 'list' | 'unlist',
  ) {
    await this.transitions.apply(ItemMachine, {
      manager: m,
      id: listing.itemId,
      action,
      actor,
      checkAccess: false,
      data: { listingId: listing.id },
    });
  }
}
