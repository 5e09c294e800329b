import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_CITY } from '../../src/service-areas/engine/demo-areas.js';
import { ServiceAreasService } from '../../src/service-areas/service-areas.service.js';
import { demoArea, serveDemoCities } from '../support/service-areas.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

describe('service areas', () => {
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
      .send({ ...demoArea(DEMO_CITY.chengdu), colour: 'red' })
      .expect(400);
    expect(unknownField.body.message).toContain('colour');
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
});
