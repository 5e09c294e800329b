import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  CategoriesController,
  GradingStandardsController,
  ProductModelsController,
} from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';
import { CategoryRepository } from './data/category.repository.js';
import { GradingStandardRepository } from './data/grading-standard.repository.js';
import { ProductModelRepository } from './data/product-model.repository.js';
import { Category } from './data/category.entity.js';
import { GradingStandardRow } from './data/grading-standard.entity.js';
import { GradingStandardsService } from './grading-standards.service.js';
import { ProductModel } from './data/product-model.entity.js';
import { ProductVariant } from './data/product-variant.entity.js';

/**
 * Reference module: the category tree, product models and the versioned grading standards.
 * Stages import it and read through CatalogService / GradingStandardsService; it never moves
 * an item on.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Category, ProductModel, ProductVariant, GradingStandardRow])],
  controllers: [CategoriesController, ProductModelsController, GradingStandardsController],
  providers: [
    CategoryRepository,
    ProductModelRepository,
    GradingStandardRepository,
    CatalogService,
    GradingStandardsService,
  ],
  exports: [CatalogService, GradingStandardsService],
})
export class CatalogModule {}
