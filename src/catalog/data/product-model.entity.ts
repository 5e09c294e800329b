import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { BigintColumn, CreatedAt, UpdatedAt } from '../../core/data/columns.js';

/** A reference model (brand, model, leaf category, launch date and price). */
@Entity('product_models')
export class ProductModel {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) brand: string;
  @Column({ type: 'text' }) model: string;
  @Column({ name: 'category_id', type: 'uuid' }) categoryId: string;
  /** ISO date (YYYY-MM-DD). */
  @Column({ name: 'launch_date', type: 'date', nullable: true }) launchDate: string | null;
  @BigintColumn('launch_price_minor', { nullable: true }) launchPriceMinor: number | null;
  @Column({ type: 'text' }) currency: string;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}
