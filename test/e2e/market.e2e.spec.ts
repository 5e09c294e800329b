import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import {
  accounts,
  type HttpUser,
  loadReferenceData,
  tradeInPhone,
} from '../support/http-journey.js';
import { itemOf } from '../support/reads.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';
import { signedConfirmation } from '../support/test-pay.js';

const ADDRESS = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Wang Fang',
  contactPhone: '+8613900139000',
};

interface MarketItem {
  id: string;
  title: string;
  grade: string;
  price: { amountMinor: number };
  categoryPath: string[];
  available: boolean;
}

describe('public market: reservation expiry', () => {
  let t: TestApp;
  let admin: HttpUser;
  let merchant: HttpUser;
  let buyer: HttpUser;
  let seller: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;

  beforeAll(async () => {
    // A short reservation so the delayed expiry job runs within the test.
    t = await createTestApp({
      RESALE_RESERVATION_MINUTES: '0.05',
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    admin = { ...(await t.user('admin')), role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    [merchant, buyer, seller, courier, grader] = await Promise.all([
      a.user('merchant', { organisationId: await a.organisation('merchant') }),
      a.user('customer'),
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
    ]);
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
  }, 120_000);
  afterAll(() => t.close());

  const market = async (query: Record<string, string | number>) =>
    (await t.http.get('/api/v1/market/listings').query(query).expect(200)).body as {
      items: MarketItem[];
      nextCursor: string | null;
    };

  it('returns an expired reservation to the market (delayed job) and refunds a late payment', async () => {
    // A phone traded in, graded premium and wiped (its certificate issued): in the resale pool.
    const phone = await tradeInPhone(
      t,
      { admin, seller, courier, grader },
      idealAnswers(PHONE_STANDARD),
    );
    const item = { id: phone.itemId };
    expect((await itemOf(t, item.id)).grade).toBe('premium');
    await eventually(async () => {
      const res = await t.http
        .post('/api/v1/inventory/allocations')
        .set(admin.auth)
        .send({ itemId: item.id, merchantId: merchant.organisationId });
      return res.status === 201;
    }, 40_000);
    const draft = await t.http
      .post('/api/v1/listings')
      .set(merchant.auth)
      .send({ itemId: item.id, title: 'Expiry test phone' })
      .expect(201);
    await t.http
      .post(`/api/v1/listings/${draft.body.id}/publish`)
      .set(merchant.auth)
      .send({})
      .expect(200);

    const order = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: draft.body.id, shippingAddress: ADDRESS })
      .expect(201);
    const intent = await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/pay`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    expect((await t.http.get(`/api/v1/market/listings/${draft.body.id}`)).body.available).toBe(
      false,
    );

    await eventually(async () => {
      const o = await t.http.get(`/api/v1/sale-orders/${order.body.id}`).set(buyer.auth);
      return o.body.state === 'CANCELLED';
    }, 20_000);
    const back = await t.http.get(`/api/v1/market/listings/${draft.body.id}`).expect(200);
    expect(back.body.available).toBe(true);
    const listed = await market({ q: 'expiry' });
    expect(listed.items.map((i) => i.id)).toEqual([draft.body.id]);
    await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/pay`)
      .set(buyer.auth)
      .send({})
      .expect(409);

    // The provider confirms after all: the order stays cancelled and the money goes back.
    const signed = await signedConfirmation(t, {
      intentId: intent.body.intentId,
      amountMinor: intent.body.amountMinor,
      currency: 'CNY',
    });
    await t.http
      .post('/api/v1/webhooks/inbound/test-pay')
      .set('content-type', 'application/json')
      .set('reloop-signature', signed.signature)
      .send(signed.body)
      .expect(200);
    const after = await t.http.get(`/api/v1/sale-orders/${order.body.id}`).set(buyer.auth);
    expect(after.body).toMatchObject({
      state: 'CANCELLED',
      refund: { amountMinor: intent.body.amountMinor },
    });
    expect((await t.http.get(`/api/v1/market/listings/${draft.body.id}`)).body.available).toBe(
      true,
    );
  });
});
