import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { bigintAsNumber } from '../core/data/columns.js';

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
  @Column({
    name: 'launch_price_minor',
    type: 'bigint',
    nullable: true,
    transformer: bigintAsNumber,
  })
  launchPriceMinor: number | null;
  @Column({ type: 'text' }) currency: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 }) updatedAt: Date;
}
