import { loadCatalog } from './fixtures.js';
import { loadMarketSales } from './market-sales.js';
import { eventually, type TestApp, type TestUser } from './test-app.js';

/**
 * The seller's chosen pickup window (issue 22 point 2), shared by the seller e2e file and the
 * pickup scheduling integration test: an area of its own with one place per window, so a window
 * fills with one booking, and sellers who sign up by phone and get a quote over HTTP.
 */
export const SELLER_AREA = {
  cityCode: 'S900',
  cityName: 'Sellerville',
  timeZone: 'Asia/Shanghai',
  sameDay: false,
  windows: [
    { start: '09:00', end: '12:00', capacity: 1 },
    { start: '14:00', end: '18:00', capacity: 1 },
  ],
  districts: [{ code: 'S90001', name: 'Old Town' }],
};

export const SELLER_ADDRESS = {
  cityCode: 'S900',
  districtCode: 'S90001',
  line1: '8 Market St',
  contactName: 'Wang Fang',
  contactPhone: '139 1234 5678',
};

export interface PickupWindow {
  date: string;
  windowIndex: number;
  start: string;
  end: string;
  remaining: number;
}

/**
 * The app made ready for sellers: the catalog, the market's sales history (and its fit, so
 * trade-ins are quoted), a warehouse and the seller area; returns the admin and the iPhone 15.
 */
export async function sellerWorld(t: TestApp): Promise<{ admin: TestUser; modelId: string }> {
  await loadCatalog(t);
  await loadMarketSales(t, { seed: 7, salesCount: 600 });
  const admin = await t.user('admin');
  await t.organisation('warehouse');
  await t.http.post('/api/v1/service-areas').set(admin.auth).send(SELLER_AREA).expect(201);
  const found = await t.http.get('/api/v1/product-models?q=iphone 15').expect(200);
  const modelId = (found.body.items as Array<{ id: string; code: string }>).find(
    (m) => m.code === 'apple-iphone-15-128',
  )!.id;
  return { admin, modelId };
}

/** A seller signed up by mobile number; their Authorization header. */
export async function signUp(t: TestApp, phone: string): Promise<Record<string, string>> {
  const res = await t.http
    .post('/api/v1/auth/register')
    .send({ phone, password: 'long enough pw', name: `Seller ${phone}` })
    .expect(201);
  return { Authorization: `Bearer ${res.body.accessToken as string}` };
}

/** An online trade-in of one phone in the seller area, once it is quoted. */
export async function quoted(t: TestApp, auth: Record<string, string>, modelId: string) {
  const created = await t.http
    .post('/api/v1/trade-ins')
    .set(auth)
    .send({
      channel: 'online',
      address: SELLER_ADDRESS,
      items: [
        {
          productModelId: modelId,
          declaredCondition: { condition: 'good', powersOn: true, screenCracked: false },
        },
      ],
    })
    .expect(201);
  return eventually(async () => {
    const o = await t.http.get(`/api/v1/trade-ins/${created.body.id}`).set(auth).expect(200);
    return o.body.state === 'QUOTED' ? (o.body as { id: string; version: number }) : null;
  });
}

/** The free pickup windows of the seller area's district, as the seller is offered them. */
export async function freeWindows(t: TestApp, auth: Record<string, string>) {
  return (
    await t.http
      .get('/api/v1/pickup-windows')
      .query({ cityCode: SELLER_ADDRESS.cityCode, districtCode: SELLER_ADDRESS.districtCode })
      .set(auth)
      .expect(200)
  ).body as { cityCode: string; timeZone: string; windows: PickupWindow[] };
}

/**
 * The promised local date and window (its index in the area's windows) of the pickup booked for
 * a trade-in, as its seller reads it (GET /pickups); waits for the booking.
 */
export function pickupOf(
  t: TestApp,
  auth: Record<string, string>,
  orderId: string,
): Promise<{ d: string; w: number }> {
  return eventually(async () => {
    const res = await t.http
      .get('/api/v1/pickups')
      .query({ direction: 'inbound', limit: 200 })
      .set(auth)
      .expect(200);
    const pickup = (
      res.body.items as Array<{
        source: { id: string };
        promisedWindow: { localDate: string; local: string };
      }>
    ).find((p) => p.source.id === orderId);
    if (!pickup) return null;
    const w = SELLER_AREA.windows.findIndex(
      (x) => `${x.start}–${x.end}` === pickup.promisedWindow.local,
    );
    return { d: pickup.promisedWindow.localDate, w };
  });
}
