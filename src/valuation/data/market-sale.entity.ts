import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BigintColumn, CreatedAt, TimestampColumn } from '../../core/data/columns.js';
import type { Grade } from '../engine/types.js';

/** One past sale: the history comparables and the refit learn from (facts copied at sale time). */
@Entity('market_sales')
export class MarketSale {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_model_id', type: 'uuid', nullable: true }) productModelId: string | null;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId: string;
  /** The category's path code, e.g. 'digital.phones.smartphones' (the engine's category key). */
  @Column({ name: 'category_code', type: 'text' }) categoryCode: string;
  @Column({ type: 'text' }) grade: Grade;
  @BigintColumn('price_minor') priceMinor: number;
  @Column({ type: 'text', default: 'CNY' }) currency: string;
  @BigintColumn('launch_price_minor') launchPriceMinor: number;
  @Column({ name: 'item_age_years', type: 'double precision' }) itemAgeYears: number;
  @TimestampColumn('sold_at') soldAt: Date;
  @Column({ type: 'text', nullable: true }) region: string | null;
  /** Where the sale comes from: 'resale', 'synthetic-seed', 'import'. */
  @Column({ type: 'text' }) source: string;
  /** The source's own id (e.g. a sale order); unique per source, so a sale is recorded once. */
  @Column({ name: 'source_ref', type: 'text', nullable: true }) sourceRef: string | null;
  /** What the source says beyond the model: a variant (e.g. '256GB'); a car's km and use. */
  @Column({ type: 'text', nullable: true }) variant: string | null;
  @Column({ name: 'mileage_km', type: 'integer', nullable: true }) mileageKm: number | null;
  @Column({ name: 'vehicle_use', type: 'text', nullable: true }) vehicleUse: string | null;
  /** Defects the item was sold with ('screen_condition=cracked'); empty for a sound item. */
  @Column({ type: 'text', array: true, default: () => "'{}'" }) defects: string[];
  /** Set when the sale is refunded or returned: from then on it teaches the valuation nothing. */
  @TimestampColumn('withdrawn_at', { nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'withdrawn_reason', type: 'text', nullable: true }) withdrawnReason:
    string | null;
  @CreatedAt() createdAt: Date;
}
