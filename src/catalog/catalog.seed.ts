import type { SeedStep } from '../seed/seed-context.js';
import { DEMO_STANDARDS } from '../grading/engine/demo-standards.js';
import { GradingStandardsService } from './grading-standards.service.js';
import { DEMO_CATEGORIES, DEMO_PRODUCT_MODELS } from './data/demo-catalog.js';

/**
 * The demo catalog: the 13 demo standards as version 1, the category tree (parents first) and
 * the reference models, upserted by code so a second run changes nothing it need not.
 */
export const catalogSeed: SeedStep = {
  name: 'catalog: grading standards, categories and product models',
  async run(ctx) {
    const standards = ctx.app.get(GradingStandardsService);
    await ctx.dataSource.transaction(async (m) => {
      for (const s of DEMO_STANDARDS) await standards.ensure(s, m);
      // DEMO_CATEGORIES lists every parent before its children.
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
             storage_media = EXCLUDED.storage_media, updated_at = now()`,
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
