import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt } from '../../core/data/columns.js';

/** What sets a variant apart from its siblings of the same product model. */
export const VARIANT_KINDS = ['storage', 'ram', 'carrier-lock', 'edition'] as const;
export type VariantKind = (typeof VARIANT_KINDS)[number];

/**
 * A variant of a product model (e.g. 'iPhone 15 512 GB'): its own price point, fitted from the
 * sales that name its code (`market_sales.variant`).
 */
@Entity('product_variants')
export class ProductVariant {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_model_id', type: 'uuid' }) productModelId: string;
  /** As sales files and trade-ins name it, e.g. '512GB'; unique within the model. */
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) kind: VariantKind;
  @Column({ type: 'text' }) label: string;
  @CreatedAt() createdAt: Date;
}
