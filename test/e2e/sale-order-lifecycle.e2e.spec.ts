import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import {
  accounts,
  carrierEvent,
  type HttpUser,
  inspect,
  loadReferenceData,
  postCarrierEvent,
  receiveByScan,
  runPickup,
  SHANGHAI,
} from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(180_000);

/** A fresh IMEI with a valid Luhn check digit. */
function newImei(): string {
  const body = `35${String(Date.now() % 1e12).padStart(12, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = body.charCodeAt(i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

const PERFECT = idealAnswers(PHONE_STANDARD);

/**
 * The sale order end to end over HTTP only (issue 19, point 6): a phone traded in, collected,
 * received, wiped, graded and put on sale; bought, paid, shipped with a registered carrier whose
 * signed tracking webhook proves delivery; returned by the buyer (return pickup → receiving →
 * re-wipe → re-inspection → refund) and on sale again; then a paid order cancelled and refunded
 * before shipping, and a parcel the carrier reports lost (refund, item written off with its
 * history). Nothing reaches into services or the database: every step is a request a person or
 * a partner's server makes. Fixtures: reference catalog and service areas, the first admin.
 */
describe('sale order lifecycle over HTTP', () => {
  let t: TestApp;
  let admin: HttpUser;
  let owner: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let merchant: HttpUser;
  let otherMerchant: HttpUser;
  let support: HttpUser;
  let buyer: HttpUser;
  let buyer2: HttpUser;
  let carrier: { id: string; secret: string };
  let itemId: string;
  let traceCode: string;
  let relisted: { id: string; priceMinor: number };

  const order = async (who: HttpUser, id: string) =>
    (await t.http.get(`/api/v1/sale-orders/${id}`).set(who.auth).expect(200)).body as Record<
      string,
      unknown
    > & { state: string; version: number; allowedActions: string[] };

  /** The merchant claims the pooled item (once its erasure certificate is in) and lists it. */
  const claimAndList = async () => {
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
  };

  /** Checkout and the test-mode payment (the provider's signed webhook, through the API). */
  const buyAndPay = async (who: HttpUser, listingId: string) => {
    const created = await t.http
      .post('/api/v1/sale-orders')
      .set(who.auth)
      .send({ listingId, shippingAddress: SHANGHAI })
      .expect(201);
    const id = created.body.id as string;
    const paid = await t.http
      .post(`/api/v1/sale-orders/${id}/test-payment`)
      .set(who.auth)
      .send({})
      .expect(200);
    expect(paid.body.state).toBe('PAID');
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp({
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    const first = await t.user('admin');
    admin = { ...first, role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    const merchantOrg = await a.organisation('merchant', {
      capabilities: { returnWindowDays: 14 },
    });
    [owner, courier, grader, merchant, otherMerchant, support, buyer, buyer2] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('merchant', { organisationId: merchantOrg }),
      a.organisation('merchant').then((org) => a.user('merchant', { organisationId: org })),
      a.user('support'),
      a.user('customer'),
      a.user('customer'),
    ]);
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
    const account = await t.http
      .post('/api/v1/carrier-accounts')
      .set(admin.auth)
      .send({ carrier: 'SF Express', name: 'SF Express — Reloop merchants' })
      .expect(201);
    carrier = { id: account.body.id as string, secret: account.body.secret as string };
    await t.http
      .post('/api/v1/carrier-accounts')
      .set(merchant.auth)
      .send({ carrier: 'Fake', name: 'mine' })
      .expect(403);

    // The phone's first journey: trade-in → pickup → receiving → erasure → grading → for sale.
    const models = await t.http.get('/api/v1/product-models?q=iPhone').expect(200);
    const model = (models.body.items as Array<{ id: string; code: string }>).find(
      (m) => m.code === 'apple-iphone-15-128',
    );
    if (!model) throw new Error('the demo catalog has no apple-iphone-15-128');
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(owner.auth)
      .send({
        channel: 'online',
        address: SHANGHAI,
        items: [
          {
            productModelId: model.id,
            declaredCondition: { condition: 'excellent', powersOn: true },
            imei: newImei(),
          },
        ],
      })
      .expect(201);
    const tradeInId = created.body.id as string;
    const quoted = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(owner.auth).expect(200);
      return o.body.state === 'QUOTED' ? o.body : null;
    }, 30_000);
    itemId = quoted.items[0].itemId as string;
    traceCode = quoted.items[0].traceCode as string;
    await t.http
      .post(`/api/v1/trade-ins/${tradeInId}/accept`)
      .set(owner.auth)
      .send({ version: quoted.version })
      .expect(200);
    const pickup = await eventually(async () => {
      const res = await t.http.get('/api/v1/pickups').set(owner.auth).expect(200);
      return (res.body.items as Array<{ id: string }>)[0];
    }, 20_000);
    await runPickup(t, { admin, courier }, pickup.id, [traceCode]);
    await receiveByScan(t, grader, traceCode);
    const graded = await inspect(t, grader, itemId, PERFECT);
    expect(graded.grade).toBe('premium');
    const settled = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(owner.auth).expect(200);
      const it = o.body.items[0] as { id: string; state: string };
      return ['ACCEPTED', 'OFFER_PENDING'].includes(it.state) ? it : null;
    }, 20_000);
    if (settled.state === 'OFFER_PENDING') {
      await t.http
        .post(`/api/v1/trade-ins/${tradeInId}/items/${settled.id}/accept-offer`)
        .set(owner.auth)
        .send({})
        .expect(200);
    }
  }, 240_000);
  afterAll(() => t?.close());

  it('takes a buyer return back through pickup, receiving, re-wipe and re-inspection to sale again', async () => {
    const listing = await claimAndList();
    const orderId = await buyAndPay(buyer, listing.id);

    // The merchant ships with the registered carrier and cannot confirm delivery itself.
    const shipped = await t.http
      .post(`/api/v1/sale-orders/${orderId}/ship`)
      .set(merchant.auth)
      .send({ carrierAccountId: carrier.id, trackingNumber: 'SF1000000001' })
      .expect(200);
    expect(shipped.body).toMatchObject({
      state: 'SHIPPED',
      shipment: { carrier: 'SF Express', carrierAccountId: carrier.id },
    });
    expect(shipped.body.allowedActions).not.toContain('confirm-delivery');
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/confirm-delivery`)
      .set(merchant.auth)
      .send({})
      .expect(403);
    const asked = await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-delivery-confirmation`)
      .set(merchant.auth)
      .send({})
      .expect(200);
    expect(asked.body.state).toBe('SHIPPED');
    expect(asked.body.shipment.confirmationRequestedAt).not.toBeNull();

    // A forged, a stale and a wrong-account signature are refused; the real event proves it.
    const delivered = {
      id: `evt_${randomBytes(6).toString('hex')}`,
      type: 'delivered',
      data: { trackingNumber: 'SF1000000001' },
    };
    await postCarrierEvent(t, carrier.id, carrierEvent('whsec_forged', delivered)).expect(401);
    await postCarrierEvent(
      t,
      carrier.id,
      carrierEvent(carrier.secret, delivered, Math.floor(Date.now() / 1000) - 3600),
    ).expect(401);
    await postCarrierEvent(
      t,
      carrier.id,
      carrierEvent(carrier.secret, { ...delivered, data: { trackingNumber: 'NOPE-000000' } }),
    ).expect(404);
    const proof = carrierEvent(carrier.secret, delivered);
    const first = await postCarrierEvent(t, carrier.id, proof).expect(200);
    expect(first.body).toMatchObject({ duplicate: false, applied: true, state: 'DELIVERED' });
    const replay = await postCarrierEvent(t, carrier.id, proof).expect(200);
    expect(replay.body.duplicate).toBe(true);
    const afterDelivery = await order(buyer, orderId);
    expect(afterDelivery).toMatchObject({ state: 'DELIVERED', deliveryProof: 'carrier' });
    expect(afterDelivery.returnDeadline).not.toBeNull();

    // The buyer returns it: a reverse pickup from their address.
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer2.auth)
      .send({ reason: 'not mine' })
      .expect(404);
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer.auth)
      .send({ reason: 'Changed my mind' })
      .expect(200);
    const returnPickup = await eventually(async () => {
      const res = await t.http
        .get('/api/v1/pickups?direction=buyer-return')
        .set(buyer.auth)
        .expect(200);
      return (res.body.items as Array<{ id: string }>)[0];
    }, 20_000);
    await runPickup(t, { admin, courier }, returnPickup.id, [traceCode]);
    const received = await eventually(async () => {
      const o = await order(buyer, orderId);
      const r = o.return as { receivedAt: string | null } | null;
      return r?.receivedAt ? o : null;
    }, 20_000);
    expect(received.state).toBe('RETURN_REQUESTED');

    // Receiving, then a fresh wipe and a re-inspection: graded as sold, so a full refund.
    await receiveByScan(t, grader, traceCode);
    const regraded = await inspect(t, grader, itemId, PERFECT);
    expect(regraded.grade).toBe('premium');
    const returned = await eventually(async () => {
      const o = await order(buyer, orderId);
      return o.state === 'RETURNED' ? o : null;
    }, 30_000);
    expect(returned).toMatchObject({
      return: { grade: 'premium', gradeMismatch: false, evidence: { outcome: 'full-refund' } },
      refund: { amountMinor: listing.priceMinor, currency: 'CNY' },
    });
    const evidence = (returned.return as { evidence: Record<string, unknown> }).evidence;
    expect(evidence.beforeSale).toMatchObject({ grade: 'premium' });
    expect(evidence.afterReturn).toMatchObject({ grade: 'premium', inspectionId: regraded.id });

    // Back on sale: the re-wiped item is pooled again and listed anew.
    relisted = await claimAndList();
    const market = await t.http.get(`/api/v1/market/listings/${relisted.id}`).expect(200);
    expect(market.body).toMatchObject({ available: true, traceCode });
    const timeline = await t.http
      .get(`/api/v1/items/${itemId}/timeline`)
      .set(support.auth)
      .expect(200);
    const types = (timeline.body.events as Array<{ type: string }>).map((e) => e.type);
    for (const expected of [
      'SaleOrder.confirm-delivery',
      'SaleOrder.request-return',
      'Item.return-by-buyer',
      'SaleOrder.complete-return',
    ]) {
      expect(types).toContain(expected);
    }
    expect(types.filter((x) => x === 'Inspection.complete')).toHaveLength(2);
    // Wiped again after the buyer had it, before it was sold again.
    expect(types.filter((x) => x === 'Erasure.certify')).toHaveLength(2);
  });

  it('cancels a paid order before shipping with a full refund; the listing is for sale again', async () => {
    const orderId = await buyAndPay(buyer2, relisted.id);
    await t.http.post(`/api/v1/sale-orders/${orderId}/cancel`).set(buyer.auth).send({}).expect(404);
    const cancelled = await t.http
      .post(`/api/v1/sale-orders/${orderId}/cancel`)
      .set(buyer2.auth)
      .send({})
      .expect(200);
    expect(cancelled.body).toMatchObject({
      state: 'CANCELLED',
      refund: { amountMinor: relisted.priceMinor, currency: 'CNY' },
    });
    // The refund runs as a job at the provider: pending, then succeeded with its id.
    expect(cancelled.body.refund.status).toMatch(/^(pending|succeeded)$/);
    const refunded = await eventually(async () => {
      const o = await order(buyer2, orderId);
      return (o.refund as { status: string }).status === 'succeeded' ? o : null;
    });
    expect((refunded.refund as { refundId: string }).refundId).toMatch(/^re_test_/);
    // Cancelling again changes nothing and refunds nothing.
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/cancel`)
      .set(buyer2.auth)
      .send({})
      .expect(409);
    const byAdmin = await order(admin, orderId);
    expect((byAdmin.refund as { idempotencyKey: string }).idempotencyKey).toBe(
      `sale-order:${orderId}:cancel-refund`,
    );
    const market = await t.http.get(`/api/v1/market/listings/${relisted.id}`).expect(200);
    expect(market.body.available).toBe(true);
    // A shipped order can no longer be cancelled.
    const shippedId = await buyAndPay(buyer2, relisted.id);
    await t.http
      .post(`/api/v1/sale-orders/${shippedId}/ship`)
      .set(merchant.auth)
      .send({ carrierAccountId: carrier.id, trackingNumber: 'SF2000000002' })
      .expect(200);
    const late = await t.http
      .post(`/api/v1/sale-orders/${shippedId}/cancel`)
      .set(buyer2.auth)
      .send({})
      .expect(409);
    expect(late.body.state).toBe('SHIPPED');
  });

  it('refunds a parcel the carrier reports lost and writes the item off, with its history', async () => {
    const [shipped] = (
      await t.http.get('/api/v1/sale-orders?state=SHIPPED').set(buyer2.auth).expect(200)
    ).body.items as Array<{ id: string; price: { amountMinor: number } }>;
    // Another merchant cannot see it; support may declare it lost, the merchant may not.
    await t.http.get(`/api/v1/sale-orders/${shipped.id}`).set(otherMerchant.auth).expect(404);
    await t.http
      .post(`/api/v1/sale-orders/${shipped.id}/declare-lost`)
      .set(merchant.auth)
      .send({ reason: 'I say so' })
      .expect(403);
    const lost = carrierEvent(carrier.secret, {
      id: `evt_${randomBytes(6).toString('hex')}`,
      type: 'lost',
      data: { trackingNumber: 'SF2000000002' },
    });
    const res = await postCarrierEvent(t, carrier.id, lost).expect(200);
    expect(res.body).toMatchObject({ applied: true, state: 'LOST' });
    await postCarrierEvent(t, carrier.id, lost).expect(200);
    const o = await order(buyer2, shipped.id);
    expect(o).toMatchObject({
      state: 'LOST',
      lost: { reportedBy: 'carrier' },
      refund: { amountMinor: shipped.price.amountMinor },
      allowedActions: [],
    });
    // Support declaring it lost again: 409, nothing refunded twice.
    await t.http
      .post(`/api/v1/sale-orders/${shipped.id}/declare-lost`)
      .set(support.auth)
      .send({ reason: 'double check' })
      .expect(409);
    const passport = await t.http.get(`/api/v1/trace/${traceCode}`).expect(200);
    expect(passport.body.state).toBe('LOST');
    const timeline = await t.http
      .get(`/api/v1/items/${itemId}/timeline`)
      .set(support.auth)
      .expect(200);
    const writeOff = (
      timeline.body.events as Array<{ type: string; data?: Record<string, unknown> }>
    ).find((e) => e.type === 'Item.write-off');
    expect(writeOff).toBeDefined();
    expect(
      (timeline.body.events as Array<{ type: string }>).some(
        (e) => e.type === 'SaleOrder.declare-lost',
      ),
    ).toBe(true);
  });
});
