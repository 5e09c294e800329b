import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAt, UpdatedAt } from '../../core/data/columns.js';
import type { IdentifierKind, StorageMedium } from './demo-catalog.js';

/**
 * A node of the three-level category tree. Only leaves (level 3) carry the item-level settings:
 * erasure, identifier, grading standard, weight and scrap value; items and models belong to leaves.
 */
@Entity('categories')
export class Category {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) code: string;
  @Column({ type: 'text' }) name: string;
  @Column({ name: 'name_zh', type: 'text' }) nameZh: string;
  @Column({ name: 'parent_id', type: 'uuid', nullable: true }) parentId: string | null;
  @Column({ type: 'int' }) level: 1 | 2 | 3;
  @Column({ name: 'requires_erasure', type: 'boolean', nullable: true })
  requiresErasure: boolean | null;
  @Column({ type: 'text', nullable: true }) identifier: IdentifierKind | null;
  @Column({ name: 'standard_code', type: 'text', nullable: true }) standardCode: string | null;
  @Column({ name: 'typical_weight_grams', type: 'int', nullable: true })
  typicalWeightGrams: number | null;
  @Column({ name: 'scrap_value_minor', type: 'int', nullable: true })
  scrapValueMinor: number | null;
  @Column({ name: 'storage_media', type: 'jsonb', nullable: true })
  storageMedia: StorageMedium[] | null;
  @CreatedAt() createdAt: Date;
  @UpdatedAt() updatedAt: Date;
}

/** A leaf category: the settings are present (the table's CHECK guarantees it). */
export interface LeafCategoryRow extends Category {
  level: 3;
  requiresErasure: boolean;
  identifier: IdentifierKind;
  standardCode: string;
  typicalWeightGrams: number;
  scrapValueMinor: number;
  storageMedia: StorageMedium[];
}

export function isLeaf(category: Category): category is LeafCategoryRow {
  return category.level === 3;
}
