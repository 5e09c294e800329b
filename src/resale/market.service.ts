import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../core/actor.js';
import { NotFound } from '../core/errors.js';
import { VEHICLE_FACTS, type VehicleFacts } from '../core/read-models/vehicle-facts.js';
import { gradesForFilter } from './domain/grade-labels.js';
import {
  decodeMarketCursor,
  encodeMarketCursor,
  MarketCursorError,
  type MarketFilter,
} from './domain/market-query.js';
import type { MarketQuery } from './api/resale.dto.js';
import { PhotosService } from '../photos/photos.service.js';
import { type MarketRow, MarketRepository } from './data/market.repository.js';

/**
 * The public market (no login): published listings, filtered and searched, with a keyset
 * cursor. Shows the merchant's name and the item's trace code (its public history), never a
 * person: no owner, buyer, grader or serial number. Shoppers read the replica; a signed-in
 * caller (a merchant checking the listing they just published) the primary.
 */
@Injectable()
export class MarketService {
  constructor(
    private readonly market: MarketRepository,
    @Inject(VEHICLE_FACTS) private readonly vehicles: VehicleFacts,
    private readonly photos: PhotosService,
  ) {}

  /** The filter as the engine takes it; 400 for a bad cursor or an unknown grade word. */
  filter(q: MarketQuery): MarketFilter {
    const sort = q.sort ?? 'newest';
    let grades: string[] | undefined;
    if (q.grade) {
      const found = gradesForFilter(q.grade);
      if (!found) {
        throw new BadRequestException({
          message: 'Invalid input: grade',
          fields: [{ field: 'grade', errors: [`unknown grade "${q.grade}"`] }],
        });
      }
      grades = found;
    }
    if (
      q.minPriceMinor !== undefined &&
      q.maxPriceMinor !== undefined &&
      q.minPriceMinor > q.maxPriceMinor
    ) {
      throw new BadRequestException({
        message: 'Invalid input: minPriceMinor',
        fields: [{ field: 'minPriceMinor', errors: ['minPriceMinor is above maxPriceMinor'] }],
      });
    }
    try {
      return {
        categoryId: q.categoryId,
        grades,
        minPriceMinor: q.minPriceMinor,
        maxPriceMinor: q.maxPriceMinor,
        text: q.q,
        sort,
        limit: q.limit ?? 20,
        cursor: decodeMarketCursor(q.cursor, sort),
      };
    } catch (err) {
      if (err instanceof MarketCursorError) throw new BadRequestException(err.message);
      throw err;
    }
  }

  async search(q: MarketQuery, caller: Actor | null = null) {
    const f = this.filter(q);
    const { db, rows } = await this.market.search(f, caller);
    const more = rows.length > f.limit;
    const page = rows.slice(0, f.limit);
    const last = page[page.length - 1];
    const sort = f.sort ?? 'newest';
    return {
      items: await this.views(db, page),
      nextCursor:
        more && last
          ? encodeMarketCursor({
              sort,
              key:
                sort === 'newest'
                  ? new Date(last.published_at).toISOString()
                  : Number(last.price_minor),
              id: last.id,
            })
          : null,
    };
  }

  /** A listing's public page: published or reserved (shown as unavailable), or sold. */
  async get(id: string, caller: Actor | null = null) {
    const hit = await this.market.publicListing(id, caller);
    if (!hit) throw new NotFound('Listing', id);
    return (await this.views(hit.db, [hit.found]))[0];
  }

  private async views(db: DataSource, rows: MarketRow[]) {
    if (rows.length === 0) return [];
    const extra = await this.market.labels(
      db,
      rows.map((r) => r.id),
    );
    const byId = new Map(extra.map((e) => [e.id, e]));
    const cars = await this.vehicles.flagsForItems(rows.map((r) => r.item_id));
    const photos = await this.photos.forSubjects(
      'listing',
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      available: r.state === 'PUBLISHED',
      title: r.title,
      description: r.description,
      categoryId: r.category_id,
      categoryPath: r.category_ids,
      productModelId: r.product_model_id,
      price: { amountMinor: Number(r.price_minor), currency: r.currency },
      grade: r.grade,
      gradeLabels: r.grade_labels,
      inspection: r.inspection,
      erasure: { status: r.erasure_status, certificates: r.certificates },
      warrantyMonths: r.warranty_months,
      returnWindowDays: r.return_window_days,
      merchant: { id: r.merchant_id, name: byId.get(r.id)?.merchant_name ?? null },
      traceCode: byId.get(r.id)?.trace_code ?? null,
      // A car's mileage flag and what it found (no VIN serial, no person, no dealer).
      vehicle: cars.has(r.item_id) ? { mileageFlag: cars.get(r.item_id)?.mileageFlag } : null,
      // Public pictures: /api/v1/market/photos/{id}/thumbnail and …/image (no uploader named).
      photos: (photos.get(r.id) ?? []).map((p) => ({
        id: p.id,
        width: p.width,
        height: p.height,
        thumbnail: p.thumbnail,
      })),
      publishedAt: r.published_at,
    }));
  }
}
