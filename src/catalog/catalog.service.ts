import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ReferenceCache } from '../core/cache/reference-cache.js';
import { NotFound } from '../core/errors.js';
import { mapPage, type Page } from '../core/http/pagination.js';
import type {
  CategoryQuery,
  CreateCategoryDto,
  CreateProductModelDto,
  CreateProductVariantDto,
  LeafSettingsDto,
  ProductModelQuery,
  UpdateCategoryDto,
  UpdateProductModelDto,
} from './catalog.dto.js';
import { type Category, isLeaf, type LeafCategoryRow } from './data/category.entity.js';
import { CategoryRepository } from './data/category.repository.js';
import { ProductModelRepository } from './data/product-model.repository.js';
import { GradingStandardsService } from './grading-standards.service.js';
import type { ProductModel } from './data/product-model.entity.js';
import type { ProductVariant } from './data/product-variant.entity.js';

export interface CategoryView {
  id: string;
  code: string;
  name: string;
  nameZh: string;
  parentId: string | null;
  level: number;
  leaf: boolean;
  requiresErasure?: boolean;
  identifier?: string;
  standardCode?: string;
  typicalWeightGrams?: number;
  scrapValueMinor?: number;
  storageMedia?: unknown[];
}

export type CategoryTreeNode = CategoryView & { children: CategoryTreeNode[] };

export function categoryView(c: Category): CategoryView {
  const base = {
    id: c.id,
    code: c.code,
    name: c.name,
    nameZh: c.nameZh,
    parentId: c.parentId,
    level: c.level,
    leaf: isLeaf(c),
  };
  if (!isLeaf(c)) return base;
  return {
    ...base,
    requiresErasure: c.requiresErasure,
    identifier: c.identifier,
    standardCode: c.standardCode,
    typicalWeightGrams: c.typicalWeightGrams,
    scrapValueMinor: c.scrapValueMinor,
    storageMedia: c.storageMedia,
  };
}

export function productModelView(m: ProductModel) {
  return {
    id: m.id,
    code: m.code,
    brand: m.brand,
    model: m.model,
    categoryId: m.categoryId,
    launchDate: m.launchDate,
    launchPrice:
      m.launchPriceMinor === null
        ? null
        : { amountMinor: m.launchPriceMinor, currency: m.currency },
    createdAt: m.createdAt,
  };
}

const LEAF_FIELDS = [
  'requiresErasure',
  'identifier',
  'standardCode',
  'typicalWeightGrams',
  'scrapValueMinor',
  'storageMedia',
] as const;

function bad(field: string, message: string): BadRequestException {
  return new BadRequestException({ message, fields: [{ field, errors: [message] }] });
}

function assertDate(field: string, value: string | undefined): void {
  if (value === undefined) return;
  const parsed = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw bad(field, `${field} is not a calendar date`);
  }
}

/**
 * The catalog, a reference module other stages consult read-only: the three-level category
 * tree (leaves carry erasure, identifier and grading standard) and reference product models.
 */
@Injectable()
export class CatalogService {
  constructor(
    private readonly categoryRows: CategoryRepository,
    private readonly modelRows: ProductModelRepository,
    private readonly standards: GradingStandardsService,
  ) {}

  /** Rows read outside a transaction, by id (see ReferenceCache); a write forgets its row. */
  private readonly categories = new ReferenceCache<Category | null>();
  private readonly models = new ReferenceCache<ProductModel | null>();

  // ---- reads other modules use ------------------------------------------------------------

  async getCategory(id: string, manager?: EntityManager): Promise<Category> {
    const read = () => this.categoryRows.byId(id, manager);
    const c = manager ? await read() : await this.categories.get(id, read);
    if (!c) throw new NotFound('Category', id);
    return c;
  }

  /** A leaf category; 404 when missing, 400 when the id names a branch (items need a leaf). */
  async getLeaf(id: string, manager?: EntityManager): Promise<LeafCategoryRow> {
    const c = await this.getCategory(id, manager);
    if (!isLeaf(c)) {
      throw bad('categoryId', `Category ${c.code} is not a leaf (level 3) category`);
    }
    return c;
  }

  async getProductModel(id: string, manager?: EntityManager): Promise<ProductModel> {
    const read = () => this.modelRows.byId(id, manager);
    const p = manager ? await read() : await this.models.get(id, read);
    if (!p) throw new NotFound('Product model', id);
    return p;
  }

  async findLeafByCode(code: string, manager?: EntityManager): Promise<LeafCategoryRow | null> {
    const c = await this.categoryRows.byCode(code, manager);
    return c && isLeaf(c) ? c : null;
  }

  findCategoryByCode(code: string, manager?: EntityManager): Promise<Category | null> {
    return this.categoryRows.byCode(code, manager);
  }

  findProductModelByCode(code: string, manager?: EntityManager): Promise<ProductModel | null> {
    return this.modelRows.byCode(code, manager);
  }

  async listLeaves(manager?: EntityManager): Promise<LeafCategoryRow[]> {
    return (await this.categoryRows.ofLevel(3, manager)).filter(isLeaf);
  }

  /** Names from the root down: ['Digital', 'Phones', 'Smartphones']. */
  async path(id: string, manager?: EntityManager): Promise<Category[]> {
    const path: Category[] = [];
    let current: Category | null = await this.getCategory(id, manager);
    while (current) {
      path.unshift(current);
      current = current.parentId ? await this.getCategory(current.parentId, manager) : null;
    }
    return path;
  }

  // ---- category admin and browsing --------------------------------------------------------

  async listCategories(query: CategoryQuery): Promise<CategoryView[] | CategoryTreeNode[]> {
    const all = await this.categoryRows.all();
    const filtered =
      query.level !== undefined ||
      query.parentId !== undefined ||
      query.requiresErasure !== undefined ||
      query.standardCode !== undefined ||
      query.q !== undefined;
    if ((query.view ?? 'tree') === 'tree' && !filtered) {
      const nodes = new Map<string, CategoryTreeNode>(
        all.map((c) => [c.id, { ...categoryView(c), children: [] }]),
      );
      const roots: CategoryTreeNode[] = [];
      for (const c of all) {
        const node = nodes.get(c.id) as CategoryTreeNode;
        const parent = c.parentId ? nodes.get(c.parentId) : undefined;
        if (parent) parent.children.push(node);
        else roots.push(node);
      }
      return roots;
    }
    const q = query.q?.toLowerCase();
    return all
      .filter(
        (c) =>
          (query.level === undefined || c.level === query.level) &&
          (query.parentId === undefined || c.parentId === query.parentId) &&
          (query.requiresErasure === undefined || c.requiresErasure === query.requiresErasure) &&
          (query.standardCode === undefined || c.standardCode === query.standardCode) &&
          (q === undefined ||
            c.code.includes(q) ||
            c.name.toLowerCase().includes(q) ||
            c.nameZh.includes(query.q ?? '')),
      )
      .map(categoryView);
  }

  async createCategory(dto: CreateCategoryDto): Promise<Category> {
    const parent = dto.parentId ? await this.getCategory(dto.parentId).catch(() => null) : null;
    if (dto.parentId && !parent) throw bad('parentId', `Parent category ${dto.parentId} not found`);
    if (parent && isLeaf(parent)) {
      throw bad('parentId', `Parent ${parent.code} is a leaf; the tree has three levels`);
    }
    const level = (parent ? parent.level + 1 : 1) as 1 | 2 | 3;
    const settings = await this.leafSettings(level, dto, null);
    if (await this.categoryRows.codeTaken(dto.code)) {
      throw new ConflictException(`A category with code ${dto.code} already exists`);
    }
    return this.categoryRows.create({
      code: dto.code,
      name: dto.name,
      nameZh: dto.nameZh,
      parentId: parent?.id ?? null,
      level,
      ...settings,
    });
  }

  async updateCategory(id: string, dto: UpdateCategoryDto): Promise<Category> {
    const current = await this.getCategory(id);
    const settings = await this.leafSettings(current.level, dto, current);
    await this.categoryRows.update(id, {
      ...(dto.name !== undefined ? { name: dto.name } : {}),
      ...(dto.nameZh !== undefined ? { nameZh: dto.nameZh } : {}),
      ...settings,
    });
    this.categories.forget(id);
    return this.getCategory(id);
  }

  /** Only an unused category can go: no children, no models, no items. */
  async deleteCategory(id: string): Promise<void> {
    const c = await this.getCategory(id);
    const { children, models, items } = await this.categoryRows.usage(id);
    if (children + models + items > 0) {
      throw new ConflictException(
        `Category ${c.code} is in use (${children} children, ${models} models, ${items} items)`,
      );
    }
    await this.categoryRows.delete(id);
    this.categories.forget(id);
  }

  /**
   * The leaf columns for a create or update: required and consistent on a leaf (merged with the
   * current values on update), absent on a branch.
   */
  private async leafSettings(
    level: number,
    dto: LeafSettingsDto,
    current: Category | null,
  ): Promise<Partial<Category>> {
    const given = LEAF_FIELDS.filter((f) => dto[f] !== undefined);
    if (level < 3) {
      if (given.length > 0) {
        throw bad(given[0], `A level ${level} category has no leaf settings (${given.join(', ')})`);
      }
      return {};
    }
    const merged = {
      identifier: dto.identifier ?? current?.identifier ?? undefined,
      standardCode: dto.standardCode ?? current?.standardCode ?? undefined,
      typicalWeightGrams: dto.typicalWeightGrams ?? current?.typicalWeightGrams ?? undefined,
      scrapValueMinor: dto.scrapValueMinor ?? current?.scrapValueMinor ?? undefined,
      storageMedia:
        dto.storageMedia?.map((m) => ({ type: m.type, interface: m.interface })) ??
        current?.storageMedia ??
        [],
    };
    const missing = (
      ['identifier', 'standardCode', 'typicalWeightGrams', 'scrapValueMinor'] as const
    ).filter((f) => merged[f] === undefined);
    if (missing.length > 0) {
      throw new BadRequestException({
        message: `A leaf category needs ${missing.join(', ')}`,
        fields: missing.map((f) => ({ field: f, errors: [`${f} is required on a leaf`] })),
      });
    }
    const requiresErasure = merged.storageMedia.length > 0;
    if (dto.requiresErasure !== undefined && dto.requiresErasure !== requiresErasure) {
      throw bad(
        'requiresErasure',
        'requiresErasure must be true exactly when the leaf lists storage media',
      );
    }
    if (dto.standardCode !== undefined && !(await this.standards.exists(dto.standardCode))) {
      throw bad('standardCode', `No grading standard ${dto.standardCode} is published`);
    }
    return { ...merged, requiresErasure };
  }

  // ---- product models ---------------------------------------------------------------------

  async listProductModels(
    query: ProductModelQuery,
  ): Promise<Page<ReturnType<typeof productModelView>>> {
    const page = await this.modelRows.page({ categoryId: query.categoryId, q: query.q }, query);
    return mapPage(page, productModelView);
  }

  async createProductModel(dto: CreateProductModelDto): Promise<ProductModel> {
    assertDate('launchDate', dto.launchDate);
    await this.leafFor(dto.categoryId);
    if (await this.modelRows.codeTaken(dto.code)) {
      throw new ConflictException(`A product model with code ${dto.code} already exists`);
    }
    return this.modelRows.create({
      code: dto.code,
      brand: dto.brand,
      model: dto.model,
      categoryId: dto.categoryId,
      launchDate: dto.launchDate ?? null,
      launchPriceMinor: dto.launchPrice?.amountMinor ?? null,
      currency: dto.launchPrice?.currency ?? 'CNY',
    });
  }

  async updateProductModel(id: string, dto: UpdateProductModelDto): Promise<ProductModel> {
    await this.getProductModel(id);
    assertDate('launchDate', dto.launchDate);
    if (dto.categoryId) await this.leafFor(dto.categoryId);
    await this.modelRows.update(id, {
      ...(dto.brand !== undefined ? { brand: dto.brand } : {}),
      ...(dto.model !== undefined ? { model: dto.model } : {}),
      ...(dto.categoryId !== undefined ? { categoryId: dto.categoryId } : {}),
      ...(dto.launchDate !== undefined ? { launchDate: dto.launchDate } : {}),
      ...(dto.launchPrice !== undefined
        ? { launchPriceMinor: dto.launchPrice.amountMinor, currency: dto.launchPrice.currency }
        : {}),
    });
    this.models.forget(id);
    return this.getProductModel(id);
  }

  /** A product model's variants (storage, RAM, carrier lock, edition), by code. */
  async listVariants(productModelId: string, manager?: EntityManager): Promise<ProductVariant[]> {
    await this.getProductModel(productModelId, manager);
    return this.modelRows.variantsOf(productModelId, manager);
  }

  /** One variant of the model by its code, or null when the model has no such variant. */
  findVariant(
    productModelId: string,
    code: string,
    manager?: EntityManager,
  ): Promise<ProductVariant | null> {
    return this.modelRows.variant(productModelId, code, manager);
  }

  async createVariant(
    productModelId: string,
    dto: CreateProductVariantDto,
  ): Promise<ProductVariant> {
    await this.getProductModel(productModelId);
    if (await this.findVariant(productModelId, dto.code)) {
      throw new ConflictException(`The model already has a variant ${dto.code}`);
    }
    return this.modelRows.createVariant({
      productModelId,
      code: dto.code,
      kind: dto.kind,
      label: dto.label,
    });
  }

  async deleteProductModel(id: string): Promise<void> {
    const p = await this.getProductModel(id);
    const items = await this.modelRows.itemCount(id);
    if (items > 0) throw new ConflictException(`Product model ${p.code} has ${items} items`);
    await this.modelRows.delete(id);
    this.models.forget(id);
  }

  /** The category of a model must be a leaf; an unknown one is the client's mistake (400). */
  private async leafFor(categoryId: string): Promise<LeafCategoryRow> {
    const c = await this.categoryRows.byId(categoryId);
    if (!c) throw bad('categoryId', `Category ${categoryId} not found`);
    if (!isLeaf(c)) throw bad('categoryId', `Category ${c.code} is not a leaf (level 3) category`);
    return c;
  }
}

export function productVariantView(v: ProductVariant) {
  return { id: v.id, productModelId: v.productModelId, code: v.code, kind: v.kind, label: v.label };
}
