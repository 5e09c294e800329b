import { eventually, type TestApp } from './test-app.js';
import {
  SHANGHAI,
  iphoneModelId,
  newImei,
  runPickup,
  type HttpUser,
  type TradedInPhone,
} from './http-journey.js';

/**
 * Phones traded in by `owner` over HTTP up to the warehouse's door: quote, accept, and the
 * pickup run to delivery, so the platform opens a parcel for receiving in the nearest warehouse
 * (the first one made, or one in Shanghai). Nothing is scanned at receiving yet.
 */
export async function deliveredTradeIn(
  t: TestApp,
  who: { admin: HttpUser; owner: HttpUser; courier: HttpUser },
  count: number,
): Promise<{ tradeInId: string; pickupId: string; phones: TradedInPhone[] }> {
  const modelId = await iphoneModelId(t);
  const imeis = Array.from({ length: count }, () => newImei());
  const created = await t.http
    .post('/api/v1/trade-ins')
    .set(who.owner.auth)
    .send({
      channel: 'online',
      address: SHANGHAI,
      items: imeis.map((imei) => ({
        productModelId: modelId,
        declaredCondition: { condition: 'excellent', powersOn: true },
        imei,
      })),
    })
    .expect(201);
  const tradeInId = created.body.id as string;
  const quoted = await eventually(async () => {
    const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(who.owner.auth).expect(200);
    return o.body.state === 'QUOTED' ? o.body : null;
  }, 30_000);
  const phones = (quoted.items as Array<{ itemId: string; traceCode: string }>).map((it, i) => ({
    itemId: it.itemId,
    traceCode: it.traceCode,
    imei: imeis[i],
  }));
  await t.http
    .post(`/api/v1/trade-ins/${tradeInId}/accept`)
    .set(who.owner.auth)
    .send({ version: quoted.version })
    .expect(200);
  const pickup = await eventually(async () => {
    const res = await t.http.get('/api/v1/pickups').set(who.admin.auth).expect(200);
    return (res.body.items as Array<{ id: string; source: { id: string } }>).find(
      (p) => p.source.id === tradeInId,
    );
  }, 20_000);
  await runPickup(
    t,
    { admin: who.admin, courier: who.courier },
    pickup.id,
    phones.map((p) => p.traceCode),
  );
  return { tradeInId, pickupId: pickup.id, phones };
}

/** The parcel receiving opened for a delivered pickup, as the warehouse's staff list it. */
export async function parcelOfPickup(
  t: TestApp,
  staff: { auth: { Authorization: string } },
  pickupId: string,
): Promise<{ id: string; items: Array<{ id: string; traceCode: string }> }> {
  return eventually(async () => {
    const res = await t.http.get('/api/v1/receiving/parcels').set(staff.auth).expect(200);
    return (
      res.body.items as Array<{
        id: string;
        pickupId: string;
        items: Array<{ id: string; traceCode: string }>;
      }>
    ).find((p) => p.pickupId === pickupId);
  }, 20_000);
}
