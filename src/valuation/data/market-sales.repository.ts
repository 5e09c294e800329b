import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ProductModel } from '../../catalog/data/product-model.entity.js';
import { DataRepository } from '../../core/data/repository.js';
import type { Grade } from '../engine/types.js';
import { MarketSale } from './market-sale.entity.js';

/** A sale as the refit learns from it (sound items only). */
export interface TrainingSaleRow {
  category_code: string;
  launch_price_minor: string;
  item_age_years: number;
  grade: Grade;
  price_minor: string;
  product_model_id: string | null;
  sold_at: Date;
  region: string | null;
}

/** A product model as an import row names it, with what pricing its sale needs. */
export interface ImportModelRow {
  id: string;
  code: string;
  category_id: string;
  category_code: string;
  launch_price_minor: string | null;
  launch_date: string | null;
  standard_code: string | null;
}

/** A sale to record: the facts copied at sale time (currency, withdrawal and stamps default). */
export type NewMarketSale = Omit<
  MarketSale,
  'id' | 'currency' | 'withdrawnAt' | 'withdrawnReason' | 'createdAt' | OptionalFacts
> &
  Partial<Pick<MarketSale, OptionalFacts>>;
type OptionalFacts = 'variant' | 'mileageKm' | 'vehicleUse' | 'defects';

/** The sales history: what comparables, learned deductions and the refit read, and its writes. */
@Injectable()
export class MarketSaleRepository extends DataRepository {
  /** Sound sales of the model in [since, until], newest first (at most 500). */
  comparables(productModelId: string, until: Date, since: Date) {
    return this.dataSource.query<
      Array<{
        price_minor: string;
        sold_at: Date;
        grade: Grade;
        region: string | null;
        variant: string | null;
      }>
    >(
      `SELECT price_minor, sold_at, grade, region, variant FROM market_sales
        WHERE product_model_id = $1 AND cardinality(defects) = 0
          AND sold_at <= $2 AND sold_at >= $3 AND withdrawn_at IS NULL
        ORDER BY sold_at DESC LIMIT 500`,
      [productModelId, until, since],
    );
  }

  /**
   * The category's sales of the two years before `until`, of the models that ever sold with one
   * of `defectCodes` (what a defect's learned deduction compares).
   */
  withDefectPeers(categoryId: string, until: Date, defectCodes: string[]) {
    return this.dataSource.query<
      Array<{ product_model_id: string; grade: string; price_minor: string; defects: string[] }>
    >(
      `SELECT product_model_id, grade, price_minor, defects FROM market_sales
        WHERE category_id = $1 AND withdrawn_at IS NULL AND product_model_id IS NOT NULL
          AND sold_at <= $2 AND sold_at >= $2::timestamptz - interval '2 years'
          AND product_model_id IN (
            SELECT product_model_id FROM market_sales
             WHERE category_id = $1 AND defects && $3::text[] AND withdrawn_at IS NULL)`,
      [categoryId, until, defectCodes],
    );
  }

  /** The category's median launch price and age over the two years before `until`. */
  async categoryMedians(
    categoryId: string,
    until: Date,
  ): Promise<{ launch: string | null; age: number | null } | undefined> {
    const rows = await this.dataSource.query<Array<{ launch: string | null; age: number | null }>>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY launch_price_minor) AS launch,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY item_age_years) AS age
         FROM market_sales WHERE category_id = $1 AND sold_at <= $2 AND withdrawn_at IS NULL
          AND sold_at >= $2::timestamptz - interval '2 years'`,
      [categoryId, until],
    );
    return rows[0];
  }

  /** Sound, standing sales of the last `years` years, oldest first (the refit's data). */
  training(years: number): Promise<TrainingSaleRow[]> {
    return this.dataSource.query<TrainingSaleRow[]>(
      `SELECT category_code, launch_price_minor, item_age_years, grade, price_minor,
              product_model_id, sold_at, region
         FROM market_sales WHERE sold_at >= now() - make_interval(years => $1) AND withdrawn_at IS NULL
          AND cardinality(defects) = 0
        ORDER BY sold_at, id`,
      [years],
    );
  }

  /** Marks the source's sale withdrawn (idempotent). */
  async withdraw(
    manager: EntityManager,
    source: string,
    sourceRef: string,
    reason: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE market_sales SET withdrawn_at = now(), withdrawn_reason = $3
        WHERE source = $1 AND source_ref = $2 AND withdrawn_at IS NULL`,
      [source, sourceRef, reason],
    );
  }

  /** Inserts sales, skipping any already recorded for its source and ref; how many were new. */
  async insertNew(sales: NewMarketSale[], manager?: EntityManager): Promise<number> {
    const inserted = await this.manager(manager)
      .createQueryBuilder()
      .insert()
      .into(MarketSale)
      .values(sales)
      .orIgnore()
      .execute();
    return (inserted.raw as unknown[]).length; // RETURNING id: empty on a conflict
  }

  /** The catalog's product models by code, with their category's code and standard. */
  async importModels(codes: string[]): Promise<Map<string, ImportModelRow>> {
    const rows = await this.dataSource.query<ImportModelRow[]>(
      `SELECT p.id, p.code, p.category_id, c.code AS category_code,
              p.launch_price_minor, p.launch_date, c.standard_code
         FROM product_models p JOIN categories c ON c.id = p.category_id
        WHERE p.code = ANY($1::text[])`,
      [[...new Set(codes)]],
    );
    return new Map(rows.map((r) => [r.code, r]));
  }

  /** Every product model, by code (the synthetic history's catalog). */
  productModels(): Promise<ProductModel[]> {
    return this.dataSource.getRepository(ProductModel).find({ order: { code: 'ASC' } });
  }
}
