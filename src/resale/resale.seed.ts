import type { Actor } from '../core/actor.js';
import { SYSTEM_ACTOR } from '../core/actor.js';
import { ItemsService } from '../core/items/items.service.js';
import type { SeedStep } from '../seed/seed-context.js';
import { InventoryService } from './inventory.service.js';
import { ListingsService } from './listings.service.js';
import { InventoryRepository } from './data/inventory.repository.js';

const DEMO_ITEMS = 30;
const MERCHANTS: Array<{ org: string; user: string }> = [
  { org: 'merchant-aurora', user: 'merchant' },
  { org: 'merchant-panda', user: 'merchant-2' },
  { org: 'merchant-jade', user: 'merchant-3' },
];

/**
 * A market with content on first start: refurbished demo items made AVAILABLE in the Shanghai
 * warehouse, most allocated to the three demo merchants and published at the suggested price
 * (every 7th stays a draft), a few left in the pool for merchants to claim. Idempotent: items
 * are found again by their demo serial number.
 */
export const resaleSeed: SeedStep = {
  name: 'resale: merchant inventory and published listings',
  async run(ctx) {
    const items = ctx.app.get(ItemsService);
    const inventory = ctx.app.get(InventoryService);
    const listings = ctx.app.get(ListingsService);
    const repository = ctx.app.get(InventoryRepository);
    const warehouseId = ctx.organisations['warehouse-shanghai'] ?? null;
    const admin: Actor = {
      role: 'admin',
      userId: ctx.users.admin?.id ?? null,
      organisationId: null,
    };
    const models = await repository.demoModels(DEMO_ITEMS);
    let created = 0;
    for (const [i, model] of models.entries()) {
      const serial = `DEMO-RESALE-${String(i + 1).padStart(3, '0')}`;
      if (await repository.serialTaken(serial)) continue;
      const grade = i % 3 === 2 ? 'good' : 'premium';
      const item = await ctx.dataSource.transaction(async (m) => {
        const it = await items.register(m, SYSTEM_ACTOR, {
          categoryId: model.category_id,
          productModelId: model.id,
          serialNumber: serial,
          custodian: { kind: 'warehouse', id: warehouseId },
          erasureStatus: model.requires_erasure ? 'certified' : 'not_required',
          state: 'AVAILABLE',
        });
        await repository.setDemoGrade(m, it.id, grade);
        return it;
      });
      await inventory.pool({ itemId: item.id, grade });
      created++;
      if (i % 8 === 7) continue; // left in the pool
      const merchant = MERCHANTS[i % MERCHANTS.length];
      const merchantId = ctx.organisations[merchant.org];
      const user = ctx.users[merchant.user];
      if (!merchantId || !user) continue;
      await inventory.allocate(admin, item.id, merchantId);
      const actor: Actor = { role: 'merchant', userId: user.id, organisationId: merchantId };
      const listing = await listings.create(actor, { itemId: item.id });
      if (i % 7 !== 6) await listings.publish(actor, listing.id);
    }
    ctx.log(`resale: ${created} demo items for sale`);
  },
};
