import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type Page, type PageQuery, paginate } from '../../core/http/pagination.js';
import { ProductModel } from './product-model.entity.js';
import { ProductVariant } from './product-variant.entity.js';
import { CodedRecords } from './coded-records.js';
import { whereEqual } from '../../core/data/list-filters.js';

/** Reference product models and their variants. */
@Injectable()
export class ProductModelRepository extends CodedRecords<ProductModel> {
  protected readonly target = ProductModel;
  readonly byId = this.findByIdOf(ProductModel);

  /** A page of models, of a category and matching a brand/model/code search when given. */
  async page(
    filter: { categoryId?: string; q?: string },
    page: PageQuery,
  ): Promise<Page<ProductModel>> {
    const qb = this.dataSource.getRepository(ProductModel).createQueryBuilder('p');
    whereEqual(qb, { 'p.category_id': filter.categoryId });
    if (filter.q) {
      qb.andWhere(
        `(p.brand ILIKE :q OR p.model ILIKE :q OR p.code ILIKE :q OR (p.brand || ' ' || p.model) ILIKE :q)`,
        { q: `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` },
      );
    }
    return paginate(qb, page, { order: 'ASC' });
  }

  /** How many items are of this model. */
  async itemCount(id: string): Promise<number> {
    const [{ items }] = await this.dataSource.query<Array<{ items: number }>>(
      'SELECT count(*)::int AS items FROM items WHERE product_model_id = $1',
      [id],
    );
    return items;
  }

  /** Upserts a model by code under the category with `categoryCode` (the seed's). */
  async upsertByCode(
    manager: EntityManager,
    p: {
      code: string;
      brand: string;
      model: string;
      categoryCode: string;
      launchDate: string | null;
      launchPriceMinor: number | null;
      currency: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO product_models (code, brand, model, category_id, launch_date,
         launch_price_minor, currency)
       VALUES ($1, $2, $3, (SELECT id FROM categories WHERE code = $4), $5, $6, $7)
       ON CONFLICT (code) DO UPDATE SET brand = EXCLUDED.brand, model = EXCLUDED.model,
         category_id = EXCLUDED.category_id, launch_date = EXCLUDED.launch_date,
         launch_price_minor = EXCLUDED.launch_price_minor, currency = EXCLUDED.currency,
         updated_at = now()`,
      [p.code, p.brand, p.model, p.categoryCode, p.launchDate, p.launchPriceMinor, p.currency],
    );
  }

  variantsOf(productModelId: string, manager?: EntityManager): Promise<ProductVariant[]> {
    return this.manager(manager)
      .getRepository(ProductVariant)
      .find({ where: { productModelId }, order: { kind: 'ASC', code: 'ASC' } });
  }

  variant(
    productModelId: string,
    code: string,
    manager?: EntityManager,
  ): Promise<ProductVariant | null> {
    return this.manager(manager)
      .getRepository(ProductVariant)
      .findOne({ where: { productModelId, code } });
  }

  createVariant(values: Partial<ProductVariant>): Promise<ProductVariant> {
    const repo = this.dataSource.getRepository(ProductVariant);
    return repo.save(repo.create(values));
  }
}
