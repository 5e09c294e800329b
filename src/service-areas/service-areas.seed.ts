import type { SeedStep } from '../seed/seed-context.js';
import { DEMO_AREAS, DEMO_LINKED_STORES, DEMO_STORES } from './engine/demo-areas.js';
import { DropOffStoreRepository } from './data/drop-off-store.repository.js';
import { ServiceAreasService } from './service-areas.service.js';

export const serviceAreasSeed: SeedStep = {
  name: 'service areas (13 cities) and drop-off stores',
  async run(ctx) {
    const areas = ctx.app.get(ServiceAreasService);
    await ctx.dataSource.transaction(async (m) => {
      for (const area of DEMO_AREAS) await areas.writeArea(m, area);
      const rows = [
        ...DEMO_STORES.map((s) => ({
          code: s.id,
          name: s.name,
          nameZh: s.nameZh ?? null,
          cityCode: s.cityCode,
          districtCode: s.districtCode,
          address: s.address,
          openingHours: s.openingHours ?? null,
          organisationId: null,
        })),
        ...DEMO_LINKED_STORES.map((s) => ({
          code: s.id,
          name: s.name,
          nameZh: s.nameZh ?? null,
          cityCode: s.cityCode,
          districtCode: s.districtCode,
          address: s.address,
          openingHours: s.openingHours ?? null,
          organisationId: ctx.organisations[s.organisation ?? ''] ?? null,
        })),
      ];
      await ctx.app.get(DropOffStoreRepository).upsertByCode(m, rows);
    });
  },
};
