import type { SeedStep } from '../seed/seed-context.js';
import { DEMO_AREAS, DEMO_STORES } from '../logistics/engine/demo-areas.js';
import { DropOffStoreRecord } from './service-area.entity.js';
import { ServiceAreasService } from './service-areas.service.js';

/** The seeded store organisation runs a drop-off point of its own (linked for store staff). */
const LINKED_STORES = [
  {
    code: 'store-sh-xujiahui',
    organisation: 'store-shanghai',
    name: 'Reloop Store Xujiahui',
    nameZh: 'Reloop 回收站 · 徐家汇店',
    cityCode: '310100',
    districtCode: '310104',
    address: '上海市徐汇区虹桥路1号',
    openingHours: '10:00-22:00',
  },
];

export const serviceAreasSeed: SeedStep = {
  name: 'service areas (13 cities) and drop-off stores',
  async run(ctx) {
    const areas = ctx.app.get(ServiceAreasService);
    await ctx.dataSource.transaction(async (m) => {
      for (const area of DEMO_AREAS) await areas.writeArea(m, area);
      const stores = m.getRepository(DropOffStoreRecord);
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
        ...LINKED_STORES.map(({ organisation, ...s }) => ({
          ...s,
          organisationId: ctx.organisations[organisation] ?? null,
        })),
      ];
      await stores.upsert(rows, ['code']);
    });
  },
};
