import { createHmac, randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import { eventually, type TestApp } from './test-app.js';

/**
 * Helpers for end-to-end tests that drive the platform over HTTP only, as people and partners
 * would. The only things done outside HTTP are the fixtures an operator loads before the first
 * user arrives: the reference catalog and service areas (`npm run seed:demo`'s own steps) and
 * the first admin account (there is no sign-up for admins).
 */

export const SHANGHAI = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};

export interface HttpUser {
  id: string;
  email: string;
  role: string;
  organisationId: string | null;
  auth: { Authorization: string };
}

export { loadReferenceData } from './fixtures.js';

let counter = 0;

/** Accounts as an admin makes them (POST /organisations, POST /users) and logs them in. */
export function accounts(t: TestApp, admin: { auth: { Authorization: string } }) {
  const login = async (email: string) => {
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email, password: 'correct horse battery' })
      .expect(200);
    return { Authorization: `Bearer ${res.body.accessToken as string}` };
  };
  const organisation = async (kind: string, extra: Record<string, unknown> = {}) => {
    const res = await t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ kind, name: `${kind} ${++counter}`, ...extra })
      .expect(201);
    return res.body.id as string;
  };
  const user = async (
    role: string,
    opts: { organisationId?: string; lead?: boolean } = {},
  ): Promise<HttpUser> => {
    const email = `${role}-${++counter}-${randomBytes(3).toString('hex')}@http.reloop`;
    if (role === 'customer') {
      const res = await t.http
        .post('/api/v1/auth/register')
        .send({ email, password: 'correct horse battery', name: `Customer ${counter}` })
        .expect(201);
      return {
        id: res.body.user.id as string,
        email,
        role,
        organisationId: null,
        auth: { Authorization: `Bearer ${res.body.accessToken as string}` },
      };
    }
    const res = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        email,
        password: 'correct horse battery',
        name: `${role} ${counter}`,
        role,
        ...(opts.organisationId ? { organisationId: opts.organisationId } : {}),
        ...(opts.lead ? { lead: true } : {}),
      })
      .expect(201);
    return {
      id: res.body.id as string,
      email,
      role,
      organisationId: (res.body.organisationId as string | null) ?? null,
      auth: await login(email),
    };
  };
  return { organisation, user, login };
}

/** What a carrier's servers send: the event signed with the account's secret, timestamped. */
export function carrierEvent(
  secret: string,
  event: { id: string; type: string; data: Record<string, unknown> },
  timestamp = Math.floor(Date.now() / 1000),
) {
  const body = JSON.stringify(event);
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { body, signature: `t=${timestamp},v1=${v1}` };
}

export function postCarrierEvent(
  t: TestApp,
  accountId: string,
  signed: { body: string; signature: string },
) {
  return t.http
    .post(`/api/v1/webhooks/inbound/carriers/${accountId}`)
    .set('content-type', 'application/json')
    .set('reloop-signature', signed.signature)
    .send(signed.body);
}

/**
 * A pickup from booking to the warehouse: assigned (dispatch, or the admin when dispatch has
 * not yet), started, collected by scanning the trace codes, and delivered.
 */
export async function runPickup(
  t: TestApp,
  who: { admin: HttpUser; courier: HttpUser },
  pickupId: string,
  traceCodes: string[],
  opts: { photoRefs?: string[]; sealNumber?: string } = {},
): Promise<void> {
  const state = await eventually(async () => {
    const p = await t.http.get(`/api/v1/pickups/${pickupId}`).set(who.admin.auth).expect(200);
    return ['SCHEDULED', 'ASSIGNED'].includes(p.body.state as string)
      ? (p.body.state as string)
      : null;
  }, 20_000);
  if (state === 'SCHEDULED') {
    const res = await t.http
      .post(`/api/v1/pickups/${pickupId}/assign`)
      .set(who.admin.auth)
      .send({ courierId: who.courier.id });
    // Dispatch may have assigned it meanwhile.
    expect([200, 409]).toContain(res.status);
  }
  await eventually(async () => {
    const p = await t.http.get(`/api/v1/pickups/${pickupId}`).set(who.courier.auth);
    return p.status === 200 && p.body.state === 'ASSIGNED';
  }, 20_000);
  await t.http.post(`/api/v1/pickups/${pickupId}/start`).set(who.courier.auth).send({}).expect(200);
  await t.http
    .post(`/api/v1/pickups/${pickupId}/collect`)
    .set(who.courier.auth)
    .send({
      traceCodes,
      ...(opts.photoRefs ? { photoRefs: opts.photoRefs } : {}),
      ...(opts.sealNumber ? { sealNumber: opts.sealNumber } : {}),
    })
    .expect(200);
  await t.http
    .post(`/api/v1/pickups/${pickupId}/deliver`)
    .set(who.courier.auth)
    .send({})
    .expect(200);
}

/** The warehouse receives the parcel by scanning the trace code once receiving expects it. */
export async function receiveByScan(t: TestApp, grader: HttpUser, traceCode: string) {
  return eventually(async () => {
    const res = await t.http
      .post('/api/v1/receiving/scan')
      .set(grader.auth)
      .send({ code: traceCode });
    return res.status === 200 ? (res.body as Record<string, unknown>) : null;
  }, 20_000);
}

/** The grader claims the item's open inspection and completes it with these answers. */
export async function inspect(
  t: TestApp,
  grader: HttpUser,
  itemId: string,
  answers: Record<string, unknown>,
) {
  const pending = await eventually(async () => {
    const res = await t.http
      .get(`/api/v1/inspections?itemId=${itemId}&state=PENDING`)
      .set(grader.auth)
      .expect(200);
    return (res.body.items as Array<{ id: string }>)[0];
  }, 20_000);
  const claimed = await t.http
    .post(`/api/v1/inspections/${pending.id}/claim`)
    .set(grader.auth)
    .send({})
    .expect(200);
  const done = await t.http
    .post(`/api/v1/inspections/${pending.id}/complete`)
    .set(grader.auth)
    .send({ answers, version: claimed.body.version })
    .expect(200);
  return done.body as { id: string; grade: string };
}

let imeiCounter = 0;

/** A fresh IMEI with a valid Luhn check digit, unique within the run (no duplicate-IMEI hold). */
export function newImei(): string {
  const n = (Date.now() % 1e9) * 1000 + (++imeiCounter % 1000);
  const body = `35${String(n).padStart(12, '0').slice(-12)}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = body.charCodeAt(i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** The demo catalog's iPhone 15 (128 GB), which the valuation engine can price. */
export async function iphoneModelId(t: TestApp): Promise<string> {
  const models = await t.http.get('/api/v1/product-models?q=iPhone').expect(200);
  const model = (models.body.items as Array<{ id: string; code: string }>).find(
    (m) => m.code === 'apple-iphone-15-128',
  );
  if (!model) throw new Error('the demo catalog has no apple-iphone-15-128');
  return model.id;
}

/** A courier the dispatcher may send to Shanghai. */
export async function shanghaiCourier(t: TestApp, admin: HttpUser, courier: HttpUser) {
  await t.http
    .put(`/api/v1/couriers/${courier.id}`)
    .set(admin.auth)
    .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
    .expect(200);
}

export interface TradedInPhone {
  itemId: string;
  traceCode: string;
  imei: string;
}

/**
 * Phones traded in by `owner` over HTTP and taken all the way to the warehouse's grade: quote,
 * accept, pickup (with a seal number when given), receiving, inspection with `answers`, and the
 * final offer accepted if one was made. Graded premium, they go to the resale pool.
 */
export async function tradeInPhones(
  t: TestApp,
  who: { admin: HttpUser; owner: HttpUser; courier: HttpUser; grader: HttpUser },
  opts: {
    count?: number;
    sealNumber?: string;
    answers: Record<string, unknown>;
    /** Hand-over photos the courier sends with the collection (uploaded photo ids). */
    pickupPhotoRefs?: string[];
  },
): Promise<{ tradeInId: string; pickupId: string; phones: TradedInPhone[] }> {
  const modelId = await iphoneModelId(t);
  const imeis = Array.from({ length: opts.count ?? 1 }, () => newImei());
  const created = await t.http
    .post('/api/v1/trade-ins')
    .set(who.owner.auth)
    .send({
      channel: 'online',
      address: SHANGHAI,
      items: imeis.map((imei) => ({
        productModelId: modelId,
        declaredCondition: { condition: 'excellent', powersOn: true, notes: 'my old phone' },
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
    const res = await t.http
      .get('/api/v1/pickups?direction=inbound')
      .set(who.owner.auth)
      .expect(200);
    return (res.body.items as Array<{ id: string; source: { id: string } }>).find(
      (p) => p.source.id === tradeInId,
    );
  }, 20_000);
  await runPickup(
    t,
    { admin: who.admin, courier: who.courier },
    pickup.id,
    phones.map((p) => p.traceCode),
    {
      ...(opts.sealNumber ? { sealNumber: opts.sealNumber } : {}),
      ...(opts.pickupPhotoRefs ? { photoRefs: opts.pickupPhotoRefs } : {}),
    },
  );
  // The warehouse reads the seal off the bag, then scans every item in it.
  if (opts.sealNumber) await receiveByScan(t, who.grader, opts.sealNumber);
  for (const p of phones) await receiveByScan(t, who.grader, p.traceCode);
  for (const p of phones) await inspect(t, who.grader, p.itemId, opts.answers);
  const settled = await eventually(async () => {
    const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(who.owner.auth).expect(200);
    const items = o.body.items as Array<{ id: string; state: string }>;
    return items.every((it) => ['ACCEPTED', 'OFFER_PENDING'].includes(it.state)) ? items : null;
  }, 20_000);
  for (const it of settled.filter((x) => x.state === 'OFFER_PENDING')) {
    await t.http
      .post(`/api/v1/trade-ins/${tradeInId}/items/${it.id}/accept-offer`)
      .set(who.owner.auth)
      .send({})
      .expect(200);
  }
  return { tradeInId, pickupId: pickup.id, phones };
}

/** One phone's trade-in until the seller has accepted its final price (see tradeInPhones). */
export async function tradeInPhone(
  t: TestApp,
  who: { admin: HttpUser; seller: HttpUser; courier: HttpUser; grader: HttpUser },
  answers: Record<string, unknown>,
): Promise<{ tradeInId: string; itemId: string; traceCode: string }> {
  const { tradeInId, phones } = await tradeInPhones(
    t,
    { admin: who.admin, owner: who.seller, courier: who.courier, grader: who.grader },
    { answers },
  );
  return { tradeInId, itemId: phones[0].itemId, traceCode: phones[0].traceCode };
}

/** The merchant claims the pooled item (once its erasure certificate is in) and lists it. */
export async function listItem(t: TestApp, merchant: HttpUser, itemId: string) {
  await eventually(async () => {
    const res = await t.http
      .post(`/api/v1/inventory/pool/${itemId}/claim`)
      .set(merchant.auth)
      .send({});
    return res.status === 200;
  }, 40_000);
  const draft = await t.http
    .post('/api/v1/listings')
    .set(merchant.auth)
    .send({ itemId, description: 'Checked, wiped, with a 12-month warranty' })
    .expect(201);
  const published = await t.http
    .post(`/api/v1/listings/${draft.body.id as string}/publish`)
    .set(merchant.auth)
    .send({})
    .expect(200);
  return {
    id: published.body.id as string,
    priceMinor: published.body.price.amountMinor as number,
  };
}
