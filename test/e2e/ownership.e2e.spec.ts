import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import {
  accounts,
  type HttpUser,
  inspect,
  loadReferenceData,
  receiveByScan,
  runPickup,
  SHANGHAI,
  shanghaiCourier,
  type TradedInPhone,
  tradeInPhones,
} from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(180_000);

const PERFECT = idealAnswers(PHONE_STANDARD);

interface TimelineEvent {
  seq: number;
  type: string;
  entity: string;
  entityId: string;
  data: Record<string, unknown>;
}

/**
 * Issue 18 point 1: ownership and custody as data, over HTTP. A phone traded in by a seller,
 * paid out (the platform owns it), sold by a merchant and delivered (the buyer owns it), then
 * returned (the platform again). Each party reads the item only for its own period, and every
 * view is shaped for its audience: the next holder never learns who held it before.
 */
describe('ownership and per-audience views (issue 18 point 1)', () => {
  let t: TestApp;
  let admin: HttpUser;
  let seller: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let merchant: HttpUser;
  let support: HttpUser;
  let buyer: HttpUser;
  let phone: TradedInPhone;
  let tradeInId: string;
  let saleOrderId: string;

  const timeline = async (who: HttpUser) =>
    (await t.http.get(`/api/v1/items/${phone.itemId}/timeline`).set(who.auth).expect(200)).body
      .events as TimelineEvent[];

  beforeAll(async () => {
    t = await createTestApp({
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    admin = { ...(await t.user('admin')), role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    [seller, courier, grader, merchant, support, buyer] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.organisation('merchant').then((org) => a.user('merchant', { organisationId: org })),
      a.user('support'),
      a.user('customer'),
    ]);
    await shanghaiCourier(t, admin, courier);
    const traded = await tradeInPhones(
      t,
      { admin, owner: seller, courier, grader },
      { answers: PERFECT },
    );
    [phone] = traded.phones;
    tradeInId = traded.tradeInId;
  }, 240_000);
  afterAll(() => t?.close());

  it('shows the warehouse the IMEI, and the merchant holding it only the model and grade', async () => {
    const atWarehouse = await t.http
      .get(`/api/v1/items/${phone.itemId}`)
      .set(grader.auth)
      .expect(200);
    expect(atWarehouse.body.imei).toBe(phone.imei);
    expect(atWarehouse.body.ownerId).toBeNull();

    await eventually(async () => {
      const res = await t.http
        .post(`/api/v1/inventory/pool/${phone.itemId}/claim`)
        .set(merchant.auth)
        .send({});
      return res.status === 200;
    }, 40_000);
    const held = await t.http.get(`/api/v1/items/${phone.itemId}`).set(merchant.auth).expect(200);
    expect(held.body).toMatchObject({
      grade: 'premium',
      imei: null,
      serialNumber: null,
      ownerId: null,
      declaredCondition: null,
      custodian: { kind: 'merchant', id: merchant.organisationId },
    });
    expect(held.body.productModelId).toEqual(expect.any(String));
    expect(JSON.stringify(held.body)).not.toContain(seller.id);
    expect(JSON.stringify(held.body)).not.toContain('my old phone');

    // Support sees who owned it when: the seller, then the platform once paid out.
    const staff = await t.http.get(`/api/v1/items/${phone.itemId}`).set(support.auth).expect(200);
    expect(staff.body.imei).toBe(phone.imei);
    expect(staff.body.ownerships).toEqual([
      expect.objectContaining({ ownerKind: 'user', ownerId: seller.id, cause: 'registered' }),
      expect.objectContaining({ ownerKind: 'platform', ownerId: null, cause: 'trade-in-paid-out' }),
    ]);
  });

  it('passes ownership to the buyer at delivery: the buyer reads it, the seller no longer', async () => {
    const draft = await t.http
      .post('/api/v1/listings')
      .set(merchant.auth)
      .send({ itemId: phone.itemId })
      .expect(201);
    await t.http
      .post(`/api/v1/listings/${draft.body.id as string}/publish`)
      .set(merchant.auth)
      .send({})
      .expect(200);
    const order = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: draft.body.id, shippingAddress: SHANGHAI })
      .expect(201);
    saleOrderId = order.body.id as string;
    await t.http
      .post(`/api/v1/sale-orders/${saleOrderId}/test-payment`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    // Before delivery the buyer does not own it yet.
    await t.http.get(`/api/v1/items/${phone.itemId}/timeline`).set(buyer.auth).expect(404);
    await t.http
      .post(`/api/v1/sale-orders/${saleOrderId}/ship`)
      .set(merchant.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'SF1800000001' })
      .expect(200);
    await t.http
      .post(`/api/v1/sale-orders/${saleOrderId}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(200);

    // The buyer reads what they bought (this used to be 404) and may open a case about it.
    const mine = await t.http.get(`/api/v1/items/${phone.itemId}`).set(buyer.auth).expect(200);
    expect(mine.body).toMatchObject({
      ownerId: buyer.id,
      imei: null,
      serialNumber: null,
      declaredCondition: null,
      custodian: { kind: 'buyer', id: buyer.id },
    });
    const bought = await timeline(buyer);
    const types = bought.map((e) => e.type);
    expect(types).toContain('SaleOrder.confirm-delivery');
    expect(types).toContain('Item.ownership-transferred');
    // Nothing of the seller's period: no trade-in, no grading, no pickup, and no trace of them.
    expect(types.filter((x) => /^(TradeIn|Pickup|Inspection|Parcel)/.test(x))).toEqual([]);
    const boughtJson = JSON.stringify(bought);
    for (const secret of [seller.id, phone.imei, courier.id, grader.id, 'my old phone']) {
      expect(boughtJson).not.toContain(secret);
    }
    const byOrder = await t.http
      .get(`/api/v1/timeline?entityId=${saleOrderId}`)
      .set(buyer.auth)
      .expect(200);
    expect(byOrder.body.items).toEqual([{ id: phone.itemId, traceCode: phone.traceCode }]);
    await t.http
      .post('/api/v1/support/cases')
      .set(buyer.auth)
      .send({ kind: 'general', summary: 'The charger is missing', itemIds: [phone.itemId] })
      .expect(201);

    // The seller: their own period only. The sale order, its carrier and tracking number, the
    // payment and the buyer are not theirs (these used to answer 200).
    await t.http.get(`/api/v1/items/${phone.itemId}`).set(seller.auth).expect(404);
    await t.http.get(`/api/v1/timeline?entityId=${saleOrderId}`).set(seller.auth).expect(404);
    const sold = await timeline(seller);
    const soldTypes = sold.map((e) => e.type);
    expect(soldTypes).toContain('TradeInOrder.accept');
    expect(soldTypes.filter((x) => /^(SaleOrder|Listing|SupportCase)/.test(x))).toEqual([]);
    const last = sold[sold.length - 1];
    expect(last).toMatchObject({
      type: 'Item.ownership-transferred',
      data: { from: 'user', to: 'platform', cause: 'trade-in-paid-out' },
    });
    const soldJson = JSON.stringify(sold);
    for (const secret of [buyer.id, 'SF1800000001', saleOrderId, courier.id, grader.id]) {
      expect(soldJson).not.toContain(secret);
    }
    const custody = await t.http
      .get(`/api/v1/items/${phone.itemId}/custody`)
      .set(seller.auth)
      .expect(200);
    const kinds = (custody.body.chain as Array<{ kind: string }>).map((c) => c.kind);
    expect(kinds).not.toContain('merchant');
    expect(kinds).not.toContain('buyer');
    await t.http.get(`/api/v1/timeline?entityId=${tradeInId}`).set(seller.auth).expect(200);
    await t.http
      .post('/api/v1/support/cases')
      .set(seller.auth)
      .send({
        kind: 'general',
        summary: 'Where is my phone now?',
        orderRef: { kind: 'sale-order', id: saleOrderId },
      })
      .expect(404);
    // The seller may still raise their own trade-in.
    await t.http
      .post('/api/v1/support/cases')
      .set(seller.auth)
      .send({
        kind: 'price-dispute',
        summary: 'The final price was low',
        itemIds: [phone.itemId],
        orderRef: { kind: 'trade-in', id: tradeInId },
      })
      .expect(201);
    // …and the buyer does not see the seller's case on their timeline.
    const afterCases = await timeline(buyer);
    const caseEvents = afterCases.filter((e) => e.entity === 'SupportCase');
    expect(caseEvents.length).toBeGreaterThan(0);
    for (const e of caseEvents) expect(JSON.stringify(e)).not.toContain('final price');
    const buyerCases = await t.http.get('/api/v1/support/cases').set(buyer.auth).expect(200);
    expect(buyerCases.body.items).toHaveLength(1);

    // Support search follows past and present owners.
    for (const q of [seller.email, buyer.email]) {
      const found = await t.http
        .get(`/api/v1/support/search?q=${encodeURIComponent(q)}`)
        .set(support.auth)
        .expect(200);
      const hit = (
        found.body.items as Array<{ id: string; ownerships: Array<{ kind: string; id?: string }> }>
      ).find((i) => i.id === phone.itemId);
      expect(hit?.ownerships.map((o) => o.id ?? o.kind)).toEqual([seller.id, 'platform', buyer.id]);
    }
  });

  it('keeps support cases and free-text diagnoses off the public passport', async () => {
    // A partner's repair record as refurbishment writes it (its diagnosis is free text).
    await t.dataSource.transaction((m) =>
      t.app.get(HistoryService).append(m, [phone.itemId], {
        type: 'RefurbishmentOrder.finish-repair',
        entity: 'RefurbishmentOrder',
        entityId: randomUUID(),
        fromState: 'IN_REPAIR',
        toState: 'QC',
        actor: SYSTEM_ACTOR,
        data: { repairs: 'Owner Li Wei dropped it, told me her PIN', partsReplaced: ['screen'] },
      }),
    );
    const passport = await t.http.get(`/api/v1/trace/${phone.traceCode}`).expect(200);
    const text = JSON.stringify(passport.body);
    expect(text).not.toContain('SupportCase');
    expect(text).not.toContain('Li Wei');
    expect(text).toContain('screen');
    expect(passport.body.history.intact).toBe(true);
  });

  it('publishes service windows without courier capacity unless staff ask', async () => {
    const anonymous = await t.http.get('/api/v1/service-areas/310100').expect(200);
    expect(anonymous.body.windows.length).toBeGreaterThan(0);
    for (const w of anonymous.body.windows as Array<Record<string, unknown>>) {
      expect(w).not.toHaveProperty('capacity');
    }
    const list = await t.http.get('/api/v1/service-areas').set(buyer.auth).expect(200);
    expect(JSON.stringify(list.body)).not.toContain('capacity');
    const ops = await t.http.get('/api/v1/service-areas/310100').set(admin.auth).expect(200);
    expect(ops.body.windows[0].capacity).toEqual(expect.any(Number));
  });

  it('gives the item back to the platform when the buyer’s return completes', async () => {
    await t.http
      .post(`/api/v1/sale-orders/${saleOrderId}/request-return`)
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
    await runPickup(t, { admin, courier }, returnPickup.id, [phone.traceCode]);
    await receiveByScan(t, grader, phone.traceCode);
    await inspect(t, grader, phone.itemId, PERFECT);
    await eventually(async () => {
      const o = await t.http.get(`/api/v1/sale-orders/${saleOrderId}`).set(buyer.auth);
      return o.body.state === 'RETURNED';
    }, 30_000);

    await t.http.get(`/api/v1/items/${phone.itemId}`).set(buyer.auth).expect(404);
    const theirs = await timeline(buyer);
    const last = theirs[theirs.length - 1];
    expect(last).toMatchObject({
      type: 'Item.ownership-transferred',
      data: { from: 'user', to: 'platform', cause: 'sale-returned' },
    });
    expect(theirs.map((e) => e.type)).toContain('SaleOrder.complete-return');
    // The re-inspection in the warehouse, after the return completed, is not theirs.
    const after = await t.http
      .get(`/api/v1/items/${phone.itemId}/timeline`)
      .set(support.auth)
      .expect(200);
    const all = after.body.events as TimelineEvent[];
    expect(all[all.length - 1].seq).toBeGreaterThanOrEqual(last.seq);
    const staff = await t.http.get(`/api/v1/items/${phone.itemId}`).set(support.auth).expect(200);
    expect(
      (staff.body.ownerships as Array<{ ownerKind: string; cause: string }>).map(
        (o) => `${o.ownerKind}:${o.cause}`,
      ),
    ).toEqual([
      'user:registered',
      'platform:trade-in-paid-out',
      'user:sale-delivered',
      'platform:sale-returned',
    ]);
  });
});
