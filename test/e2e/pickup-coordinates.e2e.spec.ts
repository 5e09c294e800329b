// Issue 22 point 5: the seller's pickup address may carry the coordinates their device took
// (lat/lng, both or neither, in range); the courier's route then orders those stops by distance.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { iphoneModelId, loadReferenceData, SHANGHAI } from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

interface Stop {
  id: string;
  stop: number;
  location: { lat: number; lng: number } | null;
  navigation: { amap: string; baidu: string };
}

describe('pickup coordinates for the courier’s route', () => {
  let t: TestApp;
  let admin: TestUser;
  let courier: TestUser;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    admin = await t.user('admin');
    courier = await t.user('courier');
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: [SHANGHAI.cityCode] })
      .expect(200);
    modelId = await iphoneModelId(t);
  }, 120_000);
  afterAll(() => t.close());

  const order = (seller: TestUser, address: object) =>
    t.http
      .post('/api/v1/trade-ins')
      .set(seller.auth)
      .send({
        channel: 'online',
        address: { ...SHANGHAI, ...address },
        items: [{ productModelId: modelId, declaredCondition: { condition: 'excellent' } }],
      });

  it('refuses one coordinate without the other, or out of range', async () => {
    const seller = await t.user('customer');
    const fields = async (address: object) => {
      const res = await order(seller, address).expect(400);
      return (res.body.fields as Array<{ field: string; errors: string[] }>).map((f) => f.field);
    };
    expect(await fields({ lat: 31.23 })).toEqual(['address.lng']);
    expect(await fields({ lng: 121.47 })).toEqual(['address.lat']);
    expect(await fields({ lat: 91, lng: 121.47 })).toEqual(['address.lat']);
    expect(await fields({ lat: 31.23, lng: -180.5 })).toEqual(['address.lng']);
    expect(await fields({ lat: '31.23', lng: 121.47 })).toEqual(['address.lat']);
    const one = await order(seller, { lat: 31.23 }).expect(400);
    expect(JSON.stringify(one.body)).toContain('give both or neither');
  });

  it('books pickups with the seller’s coordinates; the courier’s route takes the nearest first', async () => {
    // Three sellers east of the Shanghai centre (about 1, 4 and 8 km), booked far first; one
    // without coordinates, who comes after them.
    const east = (km: number) => ({ lat: 31.2304, lng: Number((121.4737 + km / 95).toFixed(6)) });
    const stops = [
      { name: 'Far', coords: east(8) },
      { name: 'Near', coords: east(1) },
      { name: 'Street', coords: null },
      { name: 'Mid', coords: east(4) },
    ];
    const first = await t.user('customer');
    const free = await t.http
      .get('/api/v1/pickup-windows')
      .query({ cityCode: SHANGHAI.cityCode, districtCode: SHANGHAI.districtCode })
      .set(first.auth)
      .expect(200);
    const window = (free.body.windows as Array<{ date: string; windowIndex: number }>)[0];
    const booked = new Map<string, string>();
    for (const s of stops) {
      const seller = s.name === 'Far' ? first : await t.user('customer');
      const created = await order(seller, { contactName: s.name, ...(s.coords ?? {}) }).expect(201);
      expect(created.body.address).toMatchObject(s.coords ?? { contactName: s.name });
      const quoted = await eventually(async () => {
        const o = await t.http
          .get(`/api/v1/trade-ins/${created.body.id}`)
          .set(seller.auth)
          .expect(200);
        return o.body.state === 'QUOTED' ? o.body : null;
      }, 30_000);
      await t.http
        .post(`/api/v1/trade-ins/${created.body.id}/accept`)
        .set(seller.auth)
        .send({
          version: quoted.version,
          pickupWindow: { date: window.date, windowIndex: window.windowIndex },
        })
        .expect(200);
      const pickup = await eventually(async () => {
        const res = await t.http
          .get('/api/v1/pickups?direction=inbound')
          .set(seller.auth)
          .expect(200);
        return (
          res.body.items as Array<{
            id: string;
            courierId: string | null;
            source: { id: string };
            address: { lat?: number; lng?: number };
          }>
        ).find((p) => p.source.id === created.body.id);
      }, 30_000);
      // The coordinates travel with the address onto the pickup.
      expect(pickup.address.lat).toBe(s.coords?.lat);
      expect(pickup.address.lng).toBe(s.coords?.lng);
      booked.set(s.name, pickup.id);
    }
    // Dispatch may already have given them out; every one is the test courier's.
    for (const id of booked.values()) {
      await t.http
        .post(`/api/v1/pickups/${id}/assign`)
        .set(admin.auth)
        .send({ courierId: courier.id })
        .expect(200);
    }

    const res = await t.http
      .get('/api/v1/pickups/route')
      .query({ date: window.date })
      .set(courier.auth)
      .expect(200);
    const route = (res.body.stops as Stop[]).filter((s) => [...booked.values()].includes(s.id));
    expect(route.map((s) => s.id)).toEqual(
      ['Near', 'Mid', 'Far', 'Street'].map((n) => booked.get(n)),
    );
    expect(route[0].location).toEqual(east(1));
    expect(route[0].navigation.amap).toContain(`to=${east(1).lng},${east(1).lat},Near`);
    expect(route[3].location).toBeNull();
  });
});
