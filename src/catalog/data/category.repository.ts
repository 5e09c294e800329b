import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Category } from './category.entity.js';
import type { DemoCategory } from './demo-catalog.js';
import { CodedRecords } from './coded-records.js';

/** The category tree's rows. */
@Injectable()
export class CategoryRepository extends CodedRecords<Category> {
  protected readonly target = Category;
  readonly byId = this.findByIdOf(Category);

  /** Every category of a level, by code. */
  ofLevel(level: 1 | 2 | 3, manager?: EntityManager): Promise<Category[]> {
    return this.manager(manager)
      .getRepository(Category)
      .find({ where: { level }, order: { code: 'ASC' } });
  }

  /** The whole tree, roots first. */
  all(): Promise<Category[]> {
    return this.dataSource.getRepository(Category).find({ order: { level: 'ASC', code: 'ASC' } });
  }

  /** What hangs on a category: its children, models and items. */
  async usage(id: string): Promise<{ children: number; models: number; items: number }> {
    const [usage] = await this.dataSource.query<
      Array<{ children: number; models: number; items: number }>
    >(
      `SELECT (SELECT count(*)::int FROM categories WHERE parent_id = $1) AS children,
              (SELECT count(*)::int FROM product_models WHERE category_id = $1) AS models,
              (SELECT count(*)::int FROM items WHERE category_id = $1) AS items`,
      [id],
    );
    return usage;
  }

  /**
   * Upserts a category by code under its parent's code (config/categories.yaml, parents
   * first); an unchanged category is not written again.
   */
  async upsertByCode(manager: EntityManager, c: DemoCategory): Promise<void> {
    await manager.query(
      `INSERT INTO categories (code, name, name_zh, parent_id, level, requires_erasure,
         identifier, standard_code, typical_weight_grams, scrap_value_minor, storage_media)
       VALUES ($1, $2, $3, (SELECT id FROM categories WHERE code = $4), $5, $6, $7, $8, $9,
         $10, $11::jsonb)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, name_zh = EXCLUDED.name_zh,
         requires_erasure = EXCLUDED.requires_erasure, identifier = EXCLUDED.identifier,
         standard_code = EXCLUDED.standard_code,
         typical_weight_grams = EXCLUDED.typical_weight_grams,
         scrap_value_minor = EXCLUDED.scrap_value_minor,
         storage_media = EXCLUDED.storage_media, updated_at = now()
       -- An unchanged category is not written again (its updated_at stays).
       WHERE (categories.name, categories.name_zh, categories.requires_erasure,
           categories.identifier, categories.standard_code, categories.typical_weight_grams,
           categories.scrap_value_minor, categories.storage_media)
         IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.name_zh, EXCLUDED.requires_erasure,
           EXCLUDED.identifier, EXCLUDED.standard_code, EXCLUDED.typical_weight_grams,
           EXCLUDED.scrap_value_minor, EXCLUDED.storage_media)`,
      c.leaf
        ? [
            c.code,
            c.name,
            c.nameZh,
            c.parentCode,
            c.level,
            c.requiresErasure,
            c.identifier,
            c.standardCode,
            c.typicalWeightGrams,
            c.scrapValueMinor,
            JSON.stringify(c.storageMedia),
          ]
        : [c.code, c.name, c.nameZh, c.parentCode, c.level, null, null, null, null, null, null],
    );
  }
}
