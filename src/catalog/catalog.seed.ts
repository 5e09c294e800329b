import type { EntityManager } from 'typeorm';
import type { SeedContext, SeedStep } from '../seed/seed-context.js';
import { DEMO_STANDARDS } from './standards/demo-standards.js';
import type { GradingStandard } from './standards/standard.js';
import { GradingStandardsService } from './grading-standards.service.js';
import { DEMO_CATEGORIES, DEMO_PRODUCT_MODELS } from './data/demo-catalog.js';

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
export async function applyCategories(m: EntityManager): Promise<void> {
  for (const c of DEMO_CATEGORIES) {
    await m.query(
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
      await applyCategories(m);
      for (const p of DEMO_PRODUCT_MODELS) {
        await m.query(
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
    });
    ctx.log(
      `  ${DEMO_STANDARDS.length} standards, ${DEMO_CATEGORIES.length} categories, ${DEMO_PRODUCT_MODELS.length} models`,
    );
  },
};
