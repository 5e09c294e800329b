import type { EntityManager } from 'typeorm';
import type { SeedContext, SeedStep } from '../seed/seed-context.js';
import { DEMO_STANDARDS } from './standards/demo-standards.js';
import type { GradingStandard } from './standards/standard.js';
import { GradingStandardsService } from './grading-standards.service.js';
import { CategoryRepository } from './data/category.repository.js';
import { DEMO_CATEGORIES, DEMO_PRODUCT_MODELS } from './data/demo-catalog.js';
import { ProductModelRepository } from './data/product-model.repository.js';

/**
 * `config/grading-standards/` (or the standards given): each published unless its family's
 * latest version already says the same (a changed file becomes the next version). Returns what
 * was published now (`phone v2`).
 */
export async function applyGradingStandards(
  ctx: SeedContext,
  m: EntityManager,
  files: readonly GradingStandard[] = DEMO_STANDARDS,
): Promise<string[]> {
  const standards = ctx.app.get(GradingStandardsService);
  const published: string[] = [];
  for (const s of files) {
    const { version, published: isNew } = await standards.applyConfigured(s, m);
    if (isNew) published.push(`${s.code} v${version}`);
  }
  return published;
}

/** `config/categories.yaml`: upserted by code, parents first (DEMO_CATEGORIES lists them so). */
export async function applyCategories(ctx: SeedContext, m: EntityManager): Promise<void> {
  const categories = ctx.app.get(CategoryRepository);
  for (const c of DEMO_CATEGORIES) {
    await categories.upsertByCode(m, c);
  }
}

/**
 * The demo catalog: the grading standards and the category tree from config/ (as
 * `npm run config:apply` writes them) and the reference models, upserted by code so a second
 * run changes nothing it need not.
 */
export const catalogSeed: SeedStep = {
  name: 'catalog: grading standards, categories and product models',
  async run(ctx) {
    await ctx.dataSource.transaction(async (m) => {
      await applyGradingStandards(ctx, m);
      await applyCategories(ctx, m);
      const models = ctx.app.get(ProductModelRepository);
      for (const p of DEMO_PRODUCT_MODELS) {
        await models.upsertByCode(m, p);
      }
    });
    ctx.log(
      `  ${DEMO_STANDARDS.length} standards, ${DEMO_CATEGORIES.length} categories, ${DEMO_PRODUCT_MODELS.length} models`,
    );
  },
};
