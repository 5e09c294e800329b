import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentActor, Public, Roles } from '../core/http/access.decorators.js';
import type { Actor } from '../core/actor.js';
import {
  CategoryQuery,
  CreateCategoryDto,
  CreateProductModelDto,
  ProductModelQuery,
  PublishStandardDto,
  StandardQuery,
  UpdateCategoryDto,
  UpdateProductModelDto,
  CreateProductVariantDto,
} from './catalog.dto.js';
import {
  CatalogService,
  categoryView,
  productModelView,
  productVariantView,
} from './catalog.service.js';
import { GradingStandardsService, standardView } from './grading-standards.service.js';
import { IdParam } from '../core/http/route.decorators.js';

/** The category tree is public: the trade-in form and the market browse use it signed out. */
@ApiTags('catalog')
@Controller('categories')
export class CategoriesController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Public()
  async list(@Query() query: CategoryQuery) {
    return { items: await this.catalog.listCategories(query) };
  }

  @Get(':id')
  @Public()
  async get(@IdParam() id: string) {
    const path = await this.catalog.path(id);
    const category = path[path.length - 1];
    return {
      ...categoryView(category),
      path: path.map((c) => ({ id: c.id, code: c.code, name: c.name })),
    };
  }

  @Post()
  @Roles('admin')
  async create(@Body() dto: CreateCategoryDto) {
    return categoryView(await this.catalog.createCategory(dto));
  }

  @Patch(':id')
  @Roles('admin')
  async update(@IdParam() id: string, @Body() dto: UpdateCategoryDto) {
    return categoryView(await this.catalog.updateCategory(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  async remove(@IdParam() id: string) {
    await this.catalog.deleteCategory(id);
  }
}

@ApiTags('catalog')
@Controller('product-models')
export class ProductModelsController {
  constructor(private readonly catalog: CatalogService) {}

  @Get()
  @Public()
  list(@Query() query: ProductModelQuery) {
    return this.catalog.listProductModels(query);
  }

  @Get(':id')
  @Public()
  async get(@IdParam() id: string) {
    return productModelView(await this.catalog.getProductModel(id));
  }

  @Post()
  @Roles('admin')
  async create(@Body() dto: CreateProductModelDto) {
    return productModelView(await this.catalog.createProductModel(dto));
  }

  @Patch(':id')
  @Roles('admin')
  async update(@IdParam() id: string, @Body() dto: UpdateProductModelDto) {
    return productModelView(await this.catalog.updateProductModel(id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  async remove(@IdParam() id: string) {
    await this.catalog.deleteProductModel(id);
  }

  /** The model's variants, each its own price point (the sell form offers them). */
  @Get(':id/variants')
  @Public()
  async variants(@IdParam() id: string) {
    return { items: (await this.catalog.listVariants(id)).map(productVariantView) };
  }

  @Post(':id/variants')
  @Roles('admin')
  async createVariant(@IdParam() id: string, @Body() dto: CreateProductVariantDto) {
    return productVariantView(await this.catalog.createVariant(id, dto));
  }
}

/** Published standards are public documents (like Back Market's grade definitions). */
@ApiTags('grading-standards')
@Controller('grading-standards')
export class GradingStandardsController {
  constructor(private readonly standards: GradingStandardsService) {}

  @Get()
  @Public()
  async list(@Query() query: StandardQuery) {
    return { items: (await this.standards.list(query)).map(standardView) };
  }

  @Get(':id')
  @Public()
  async get(@IdParam() id: string) {
    return standardView(await this.standards.get(id));
  }

  /** Publishes the next version of a family; earlier versions and their reports are untouched. */
  @Post()
  @Roles('admin')
  async publish(@CurrentActor() actor: Actor, @Body() dto: PublishStandardDto) {
    return standardView(await this.standards.publish(dto.definition, actor.userId));
  }
}
