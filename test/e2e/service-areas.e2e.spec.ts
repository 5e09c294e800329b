import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_AREAS, DEMO_CITY, DEMO_STORES } from '../../src/service-areas/engine/demo-areas.js';
import { logisticsSeed } from '../../src/logistics/logistics.seed.js';
import { accountsSeed } from '../../src/seed/accounts.seed.js';
import { serviceAreasSeed } from '../../src/service-areas/service-areas.seed.js';
import { ServiceAreasService } from '../../src/service-areas/service-areas.service.js';
import { seedContext } from '../support/fixtures.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const area = (code: string) => {
  const a = DEMO_AREAS.find((x) => x.cityCode === code);
  if (!a) throw new Error(code);
  return { ...a, windows: [...a.windows], districts: [...a.districts] };
};

describe('service areas', () => {
  let t: TestApp;
  let admin: TestUser;
  let areas: ServiceAreasService;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.user('admin');
    areas = t.app.get(ServiceAreasService);
    for (const code of [DEMO_CITY.shanghai, DEMO_CITY.beijing, DEMO_CITY.suzhou]) {
      await t.http.post('/api/v1/service-areas').set(admin.auth).send(area(code)).expect(201);
    }
    const jingan = DEMO_STORES.find((s) => s.id === 'store-sh-jingan')!;
    await t.http
      .post('/api/v1/drop-off-stores')
      .set(admin.auth)
      .send({
        code: jingan.id,
        name: jingan.name,
        cityCode: jingan.cityCode,
        districtCode: jingan.districtCode,
        address: jingan.address,
      })
      .expect(201);
  });
  afterAll(() => t.close());

  it('lets an admin create, read, replace and switch off an area; others may not change it', async () => {
    const body = {
      cityCode: 'T100',
      cityName: 'Testville',
      timeZone: 'Europe/Berlin',
      sameDay: false,
      windows: [{ start: '10:00', end: '12:00', capacity: 3 }],
      districts: [{ code: 'T10001', name: 'Mitte' }],
    };
    const created = await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send(body)
      .expect(201);
    expect(created.body).toMatchObject({
      cityCode: 'T100',
      cutoffHour: 15,
      bookingDaysAhead: 7,
      minLeadMinutes: 60,
      active: true,
      districts: [{ code: 'T10001', name: 'Mitte' }],
    });
    await t.http.post('/api/v1/service-areas').set(admin.auth).send(body).expect(409);

    const customer = await t.user('customer');
    await t.http.post('/api/v1/service-areas').set(customer.auth).send(body).expect(403);
    await t.http.post('/api/v1/service-areas').send(body).expect(401);

    const list = await t.http.get('/api/v1/service-areas').expect(200);
    expect(list.body.items.map((a: { cityCode: string }) => a.cityCode)).toEqual(
      expect.arrayContaining(['T100', DEMO_CITY.shanghai]),
    );

    const { cityCode: _omit, ...rest } = body;
    void _omit;
    const replaced = await t.http
      .put('/api/v1/service-areas/T100')
      .set(admin.auth)
      .send({ ...rest, cutoffHour: 12, districts: [{ code: 'T10002', name: 'Pankow' }] })
      .expect(200);
    expect(replaced.body).toMatchObject({ cutoffHour: 12, districts: [{ code: 'T10002' }] });

    await t.http.delete('/api/v1/service-areas/T100').set(admin.auth).expect(204);
    const refused = await areas.checkCoverage({
      cityCode: 'T100',
      districtCode: 'T10002',
      line1: 'Hauptstr. 1',
    });
    expect(refused).toMatchObject({ covered: false, reason: 'city-not-covered' });
    await t.http.get('/api/v1/service-areas/NOPE').expect(404);
  });

  it('validates areas with the engine and refuses district codes of another area', async () => {
    const bad = await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({
        cityCode: 'T200',
        cityName: 'Nowhere',
        timeZone: 'Mars/Olympus',
        sameDay: true,
        windows: [
          { start: '11:00', end: '13:00', capacity: 1 },
          { start: '10:00', end: '12:00', capacity: 1 },
        ],
        districts: [{ code: 'T20001', name: 'A' }],
      })
      .expect(400);
    expect(bad.body.message).toContain('unknown time zone "Mars/Olympus"');
    expect(bad.body.message).toContain('window 1: overlaps or is out of order');

    const stolen = await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({
        cityCode: 'T300',
        cityName: 'Thief',
        timeZone: 'Asia/Shanghai',
        sameDay: true,
        windows: [{ start: '09:00', end: '11:00', capacity: 1 }],
        districts: [{ code: '310106', name: "Jing'an" }],
      })
      .expect(409);
    expect(stolen.body.message).toContain('310106 (310100)');

    const unknownField = await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({ ...area(DEMO_CITY.chengdu), colour: 'red' })
      .expect(400);
    expect(unknownField.body.message).toContain('colour');
  });

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

  it('links a drop-off store to a store organisation only', async () => {
    const store = await t.organisation('store');
    const warehouse = await t.organisation('warehouse');
    const body = {
      code: 'store-test-1',
      name: 'Test Store',
      cityCode: '310100',
      districtCode: '310104',
      address: '虹桥路1号',
    };
    await t.http
      .post('/api/v1/drop-off-stores')
      .set(admin.auth)
      .send({ ...body, organisationId: warehouse })
      .expect(400);
    const created = await t.http
      .post('/api/v1/drop-off-stores')
      .set(admin.auth)
      .send({ ...body, organisationId: store })
      .expect(201);
    expect(created.body).toMatchObject({ organisationId: store, active: true });
    expect((await areas.storeOfOrganisation(store))?.code).toBe('store-test-1');

    const list = await t.http.get('/api/v1/drop-off-stores?cityCode=310100').expect(200);
    expect(list.body.items.map((s: { code: string }) => s.code)).toEqual(
      expect.arrayContaining(['store-sh-jingan', 'store-test-1']),
    );
    await t.http
      .delete(`/api/v1/drop-off-stores/${created.body.id as string}`)
      .set(admin.auth)
      .expect(204);
    expect(await areas.storeOfOrganisation(store)).toBeNull();
    await t.http.get('/api/v1/drop-off-stores/not-a-uuid').expect(400);
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
