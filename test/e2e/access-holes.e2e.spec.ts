import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { computeCheckDigit } from '../../src/vehicles/domain/vin.js';
import {
  accounts,
  type HttpUser,
  iphoneModelId,
  loadReferenceData,
  newImei,
  SHANGHAI,
  shanghaiCourier,
  type TradedInPhone,
  tradeInPhones,
} from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(180_000);

const PERFECT = idealAnswers(PHONE_STANDARD);

/**
 * Issue 18 point 3: each hole found by the access probe, shown by the request that used to
 * succeed and now gets 404, 403 or 409. Driven over HTTP from a real trade-in journey (four
 * phones collected in a sealed bag, graded with blind calibration switched on for every report).
 */
describe('access holes (issue 18 point 3)', () => {
  let t: TestApp;
  let admin: HttpUser;
  let owner: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let regrader: HttpUser;
  let support: HttpUser;
  let merchantA: HttpUser;
  let merchantB: HttpUser;
  let buyer: HttpUser;
  let pickupId: string;
  let phones: TradedInPhone[];

  beforeAll(async () => {
    t = await createTestApp({
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    admin = { ...(await t.user('admin')), role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    [owner, courier, grader, regrader, support, merchantA, merchantB, buyer] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('support'),
      a.organisation('merchant').then((org) => a.user('merchant', { organisationId: org })),
      a.organisation('merchant').then((org) => a.user('merchant', { organisationId: org })),
      a.user('customer'),
    ]);
    await shanghaiCourier(t, admin, courier);
    // Every completed report gets a blind re-grade.
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 1 })
      .expect(200);
    ({ pickupId, phones } = await tradeInPhones(
      t,
      { admin, owner, courier, grader },
      { count: 4, sealNumber: 'SEAL-18-0001', answers: PERFECT },
    ));
  }, 240_000);
  afterAll(() => t?.close());

  const claim = (who: HttpUser, itemId: string) =>
    eventually(async () => {
      const res = await t.http
        .post(`/api/v1/inventory/pool/${itemId}/claim`)
        .set(who.auth)
        .send({});
      return res.status === 200;
    }, 40_000);

  const listAndPublish = async (who: HttpUser, itemId: string) => {
    const draft = await t.http.post('/api/v1/listings').set(who.auth).send({ itemId }).expect(201);
    await t.http
      .post(`/api/v1/listings/${draft.body.id as string}/publish`)
      .set(who.auth)
      .send({})
      .expect(200);
    return draft.body.id as string;
  };

  it('shows the expected seal number only to the courier who recorded it and to admins', async () => {
    // The receiving warehouse used to read it here and "check" the bag against it.
    const asWarehouse = await t.http
      .get(`/api/v1/pickups/${pickupId}`)
      .set(grader.auth)
      .expect(200);
    expect(asWarehouse.body.sealed).toBe(true);
    expect(asWarehouse.body).not.toHaveProperty('sealNumber');
    const listed = await t.http.get('/api/v1/pickups').set(grader.auth).expect(200);
    const row = (listed.body.items as Array<Record<string, unknown>>).find(
      (p) => p.id === pickupId,
    );
    expect(row).toBeDefined();
    expect(row).not.toHaveProperty('sealNumber');
    for (const who of [owner, support]) {
      const res = await t.http.get(`/api/v1/pickups/${pickupId}`).set(who.auth).expect(200);
      expect(res.body).not.toHaveProperty('sealNumber');
    }
    for (const who of [courier, admin]) {
      const res = await t.http.get(`/api/v1/pickups/${pickupId}`).set(who.auth).expect(200);
      expect(res.body.sealNumber).toBe('SEAL-18-0001');
    }
  });

  it('keeps a calibration re-grade blind until the re-grader submits', async () => {
    const itemId = phones[0].itemId;
    const mine = await t.http
      .get(`/api/v1/inspections?itemId=${itemId}&state=COMPLETED`)
      .set(grader.auth)
      .expect(200);
    const report = (mine.body.items as Array<{ id: string; grade: string }>)[0];
    expect(report.grade).toBe('premium');
    // Another grader of the same warehouse may take the task: the report is not theirs to read.
    const blind = await t.http
      .get(`/api/v1/inspections?itemId=${itemId}`)
      .set(regrader.auth)
      .expect(200);
    expect(blind.body.items).toEqual([]);
    await t.http.get(`/api/v1/inspections/${report.id}`).set(regrader.auth).expect(404);
    await t.http.get(`/api/v1/inspections/${report.id}`).set(admin.auth).expect(200);

    const tasks = await t.http
      .get('/api/v1/grading/calibration/tasks?state=OPEN')
      .set(regrader.auth)
      .expect(200);
    const task = (tasks.body.items as Array<{ id: string; itemId: string; version: number }>).find(
      (x) => x.itemId === itemId,
    );
    expect(task).toBeDefined();
    expect(task).not.toHaveProperty('firstGrade');
    await t.http
      .post(`/api/v1/grading/calibration/tasks/${task!.id}/complete`)
      .set(regrader.auth)
      .send({ answers: PERFECT, version: task!.version })
      .expect(200);
    const after = await t.http
      .get(`/api/v1/inspections/${report.id}`)
      .set(regrader.auth)
      .expect(200);
    expect(after.body.grade).toBe('premium');
  });

  it('refuses to publish an old draft of an item the merchant released and a rival claimed', async () => {
    const itemId = phones[0].itemId;
    await claim(merchantA, itemId);
    const draft = await t.http
      .post('/api/v1/listings')
      .set(merchantA.auth)
      .send({ itemId })
      .expect(201);
    await t.http
      .post(`/api/v1/inventory/${itemId}/release`)
      .set(merchantA.auth)
      .send({})
      .expect(200);
    await claim(merchantB, itemId);
    // Used to answer 200 and put the rival's stock on sale under merchant A.
    const refused = await t.http
      .post(`/api/v1/listings/${draft.body.id as string}/publish`)
      .set(merchantA.auth)
      .send({})
      .expect(409);
    expect(refused.body.state).toBe('WITHDRAWN');
    // The rival lists it as its own (the stale draft no longer blocks the item).
    await listAndPublish(merchantB, itemId);
    const item = await t.http.get(`/api/v1/items/${itemId}`).set(merchantB.auth).expect(200);
    expect(item.body.state).toBe('LISTED');
  });

  it('caps the unpaid reservations one buyer holds at once', async () => {
    const listings = [
      ...(await t.http.get('/api/v1/listings?state=PUBLISHED').set(merchantB.auth).expect(200)).body
        .items,
    ].map((l: { id: string }) => l.id);
    for (const p of phones.slice(1)) {
      await claim(merchantA, p.itemId);
      listings.push(await listAndPublish(merchantA, p.itemId));
    }
    expect(listings).toHaveLength(4);
    const checkout = (listingId: string) =>
      t.http
        .post('/api/v1/sale-orders')
        .set(buyer.auth)
        .send({ listingId, shippingAddress: SHANGHAI });
    const orders: string[] = [];
    for (const id of listings.slice(0, 3)) orders.push((await checkout(id).expect(201)).body.id);
    // The fourth used to be reserved too: one buyer could take the whole market off sale.
    const capped = await checkout(listings[3]).expect(409);
    expect(capped.body).toMatchObject({
      code: 'too_many_reservations',
      details: { openReservations: 3, limit: 3 },
    });
    expect(capped.body.message).toContain('pay for or cancel one first');
    const market = await t.http.get(`/api/v1/market/listings/${listings[3]}`).expect(200);
    expect(market.body.available).toBe(true);
    // Cancelling one frees a place.
    await t.http
      .post(`/api/v1/sale-orders/${orders[0]}/cancel`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    await checkout(listings[3]).expect(201);
  });

  it('lets only admins and warehouse leads release a fraud hold (support has no money)', async () => {
    const modelId = await iphoneModelId(t);
    const imei = newImei();
    const quoted = async (who: HttpUser) => {
      const created = await t.http
        .post('/api/v1/trade-ins')
        .set(who.auth)
        .send({
          channel: 'online',
          address: SHANGHAI,
          items: [{ productModelId: modelId, declaredCondition: { condition: 'good' }, imei }],
        })
        .expect(201);
      return eventually(async () => {
        const o = await t.http
          .get(`/api/v1/trade-ins/${created.body.id as string}`)
          .set(who.auth)
          .expect(200);
        return o.body.state === 'QUOTED' ? (o.body as { id: string; held: boolean }) : null;
      }, 30_000);
    };
    const other = await accounts(t, admin).user('customer');
    await quoted(owner);
    const held = await quoted(other);
    expect(held.held).toBe(true);
    // Used to answer 200 and let the payouts go ahead.
    await t.http
      .post(`/api/v1/trade-ins/${held.id}/release-hold`)
      .set(support.auth)
      .send({ note: 'receipt checked' })
      .expect(403);
    // Nothing of this order reached the grader's warehouse: not theirs to decide.
    await t.http
      .post(`/api/v1/trade-ins/${held.id}/release-hold`)
      .set(grader.auth)
      .send({ note: 'receipt checked' })
      .expect(404);
    const released = await t.http
      .post(`/api/v1/trade-ins/${held.id}/release-hold`)
      .set(admin.auth)
      .send({ note: 'receipt checked' })
      .expect(200);
    expect(released.body.held).toBe(false);
  });

  it('lets only admins and the warehouse record high-trust odometer readings', async () => {
    const body = 'LVGBE40K0KH184242';
    const vin = `${body.slice(0, 8)}${computeCheckDigit(body)}${body.slice(9)}`;
    const reading = (who: HttpUser, source: string, km: number) =>
      t.http
        .post(`/api/v1/vehicles/${vin}/mileage-readings`)
        .set(who.auth)
        .send({ km, readOn: '2024-06-01', source, sourceRef: `${source}-${km}` });
    await reading(admin, 'listing', 90_000).expect(201);
    // A reading support typed in used to be trusted like the warehouse's own inspection.
    await reading(support, 'inspection', 20_000).expect(403);
    await reading(support, 'listing', 95_000).expect(201);
    await reading(admin, 'inspection', 100_000).expect(201);
  });
});
