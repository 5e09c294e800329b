import { pick } from '../core/pick.js';
import type { SeedStep } from '../seed/seed-context.js';
import {
  type ConfiguredStore,
  DEMO_AREAS,
  DEMO_LINKED_STORES,
  DEMO_STORES,
} from './engine/demo-areas.js';
import { DropOffStoreRepository } from './data/drop-off-store.repository.js';
import { ServiceAreasService } from './service-areas.service.js';

export const serviceAreasSeed: SeedStep = {
  name: 'service areas (13 cities) and drop-off stores',
  async run(ctx) {
    const areas = ctx.app.get(ServiceAreasService);
    await ctx.dataSource.transaction(async (m) => {
      for (const area of DEMO_AREAS) await areas.writeArea(m, area);
      // A store an organisation runs is linked to it by the organisation's seeded name.
      const rows = [...DEMO_STORES, ...DEMO_LINKED_STORES].map((s: ConfiguredStore) => ({
        ...pick(s, ['name', 'cityCode', 'districtCode', 'address']),
        code: s.id,
        nameZh: s.nameZh ?? null,
        openingHours: s.openingHours ?? null,
        organisationId: s.organisation ? (ctx.organisations[s.organisation] ?? null) : null,
      }));
      await ctx.app.get(DropOffStoreRepository).upsertByCode(m, rows);
    });
  },
};
