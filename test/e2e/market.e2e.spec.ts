import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { InventoryService } from '../../src/resale/inventory.service.js';
import { TestPaymentProvider } from '../../src/money/providers/test-provider.js';
import { loadCatalog } from '../support/fixtures.js';
import { leafByCode } from '../support/reads.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

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
  let admin: TestUser;
  let merchant: TestUser;
  let buyer: TestUser;
  let phones: { leaf: string };

  beforeAll(async () => {
    // A short reservation so the delayed expiry job runs within the test.
    t = await createTestApp({ RESALE_RESERVATION_MINUTES: '0.05' });
    await loadCatalog(t);
    [admin, merchant, buyer] = await Promise.all([
      t.user('admin'),
      t.user('merchant'),
      t.user('customer'),
    ]);
    phones = { leaf: (await leafByCode(t, 'smartphones')).id };
  }, 120_000);
  afterAll(() => t.close());

  const market = async (query: Record<string, string | number>) =>
    (await t.http.get('/api/v1/market/listings').query(query).expect(200)).body as {
      items: MarketItem[];
      nextCursor: string | null;
    };

  it('returns an expired reservation to the market (delayed job) and refunds a late payment', async () => {
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId: phones.leaf,
        custodian: { kind: 'warehouse', id: null },
        erasureStatus: 'certified',
        state: 'AVAILABLE',
      }),
    );
    await t.dataSource.query(`UPDATE items SET grade = 'premium' WHERE id = $1`, [item.id]);
    await t.app.get(InventoryService).pool({ itemId: item.id, grade: 'premium' });
    await t.http
      .post('/api/v1/inventory/allocations')
      .set(admin.auth)
      .send({ itemId: item.id, merchantId: merchant.organisationId })
      .expect(201);
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
    const signed = await t.app.get(TestPaymentProvider).signedConfirmation({
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
