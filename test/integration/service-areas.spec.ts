import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_AREAS, DEMO_STORES } from '../../src/service-areas/engine/demo-areas.js';
import { logisticsSeed } from '../../src/logistics/logistics.seed.js';
import { accountsSeed } from '../../src/seed/accounts.seed.js';
import { serviceAreasSeed } from '../../src/service-areas/service-areas.seed.js';
import { ServiceAreasService } from '../../src/service-areas/service-areas.service.js';
import { seedContext } from '../support/fixtures.js';
import { serveDemoCities } from '../support/service-areas.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

/**
 * The service areas' coverage check and their seed, without HTTP beyond the admin's setup
 * (moved from test/e2e/service-areas.e2e.spec.ts: no route answers the coverage check itself).
 */
describe('service areas: coverage and seed', () => {
  let t: TestApp;
  let admin: TestUser;
  let areas: ServiceAreasService;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user('admin');
    areas = t.app.get(ServiceAreasService);
    await serveDemoCities(t, admin);
  });
  afterAll(() => t.close());

  it('checks coverage by city and district and suggests the nearest store when refusing', async () => {
    const covered = await areas.checkCoverage({
      cityCode: '310100',
      districtCode: '310106',
      line1: '南京西路1266号',
    });
    expect(covered).toMatchObject({
      covered: true,
      area: { cityCode: '310100', timeZone: 'Asia/Shanghai', cutoffHour: 15 },
      district: { code: '310106' },
    });

    // Suzhou has no store: the Shanghai one is the nearest in the same region.
    const noDistrict = await areas.checkCoverage({
      cityCode: '320500',
      districtCode: '320599',
      line1: 'x',
    });
    expect(noDistrict).toMatchObject({
      covered: false,
      reason: 'district-not-covered',
      nearestStore: { match: 'same-region', store: { name: "Reloop Jing'an" } },
    });
    if (!noDistrict.covered) expect(noDistrict.message).toContain("Reloop Jing'an");

    const noCity = await areas.checkCoverage({
      cityCode: '330100',
      districtCode: '330106',
      line1: 'x',
    });
    expect(noCity).toMatchObject({ covered: false, reason: 'city-not-covered' });

    const wrongCity = await areas.checkCoverage({
      cityCode: '110100',
      districtCode: '310106',
      line1: 'x',
    });
    expect(wrongCity).toMatchObject({
      covered: false,
      reason: 'district-not-in-city',
      nearestStore: null,
    });

    const incomplete = await areas.checkCoverage({
      cityCode: '310100',
      districtCode: '310106',
      line1: '  ',
    });
    expect(incomplete).toMatchObject({
      covered: false,
      reason: 'invalid-address',
      fields: ['line1'],
    });
  });

  it('seeds 13 cities, the stores and the demo couriers idempotently', async () => {
    const seeded = await createTestApp();
    try {
      const ctx = seedContext(seeded);
      for (let run = 0; run < 2; run++) {
        for (const step of [accountsSeed, serviceAreasSeed, logisticsSeed]) await step.run(ctx);
      }
      const count = async (sql: string) =>
        Number((await seeded.dataSource.query<Array<{ n: number }>>(sql))[0].n);
      expect(await count('SELECT count(*)::int AS n FROM service_areas')).toBe(13);
      expect(await count('SELECT count(*)::int AS n FROM service_area_districts')).toBe(
        DEMO_AREAS.reduce((n, a) => n + a.districts.length, 0),
      );
      expect(await count('SELECT count(*)::int AS n FROM drop_off_stores')).toBe(
        DEMO_STORES.length + 1,
      );
      const linked = await seeded.app
        .get(ServiceAreasService)
        .storeOfOrganisation(ctx.organisations['store-shanghai']);
      expect(linked?.cityCode).toBe('310100');
      const couriers = await seeded.dataSource.query<Array<{ courier_id: string }>>(
        `SELECT courier_id FROM courier_areas WHERE city_code = '310100'`,
      );
      expect(couriers.map((c) => c.courier_id).sort()).toEqual(
        [ctx.users['courier'].id, ctx.users['courier-2'].id].sort(),
      );
      const sameDay = await seeded.dataSource.query<Array<{ same_day: boolean }>>(
        'SELECT DISTINCT same_day FROM service_areas',
      );
      expect(sameDay).toHaveLength(2); // some same-day, some next-day only
    } finally {
      await seeded.close();
    }
  });
});
