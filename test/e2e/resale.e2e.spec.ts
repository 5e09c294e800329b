import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ItemAvailableForSale } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { loadReferenceData } from '../support/fixtures.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf, productModels, timelineOf } from '../support/reads.js';
import { signedConfirmation } from '../support/test-pay.js';

const ADDRESS = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};

interface ListingBody {
  id: string;
  state: string;
  version: number;
  price: { amountMinor: number; currency: string };
  pricing: { suggestedMinor: number; floorMinor: number; ceilingMinor: number };
  gradeLabels: { tier: string; backMarket: string; amazonRenewed: string; gbt45656: unknown };
  inspection: { summary: string; findings: Array<{ severity: string }> } | null;
  warrantyMonths: number;
  returnWindowDays: number;
  allowedActions: string[];
}

describe('resale: inventory, listings, sale orders, returns', () => {
  let t: TestApp;
  let admin: TestUser;
  let merchantA: TestUser;
  let merchantB: TestUser;
  let buyer: TestUser;
  let buyer2: TestUser;
  let model: { id: string; category_id: string };
  let warehouseId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    // The first model by code with a launch price, outside the luxury categories.
    const codes = await categoryCodes();
    const first = (await productModels(t)).find(
      (p) => p.launchPrice !== null && !codes.get(p.categoryId)!.startsWith('luxury'),
    )!;
    model = { id: first.id, category_id: first.categoryId };
    const merchantOrg = await t.organisation('merchant', { returnWindowDays: 14 });
    warehouseId = await t.organisation('warehouse');
    [admin, merchantA, merchantB, buyer, buyer2] = await Promise.all([
      t.user('admin'),
      t.user('merchant', { organisationId: merchantOrg }),
      t.user('merchant'),
      t.user('customer'),
      t.user('customer'),
    ]);
  }, 120_000);
  afterAll(() => t.close());

  /** Every category's code and identifier by id (GET /categories?view=flat). */
  async function categories() {
    const res = await t.http.get('/api/v1/categories?view=flat').expect(200);
    return res.body.items as Array<{ id: string; code: string; identifier?: string }>;
  }
  async function categoryCodes() {
    return new Map((await categories()).map((c) => [c.id, c.code]));
  }

  /** Whether the item is in the resale pool (GET /inventory/pool, every page, as merchant B). */
  const inPool = async (itemId: string) => {
    let cursor: string | null = null;
    do {
      const res = await t.http
        .get('/api/v1/inventory/pool')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set(merchantB.auth)
        .expect(200);
      if ((res.body.items as Array<{ itemId: string }>).some((i) => i.itemId === itemId)) {
        return true;
      }
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return false;
  };

  /** The sale orders of a listing, among every order an admin sees (GET /sale-orders). */
  const ordersOfListing = async (listingId: string) => {
    const found: unknown[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.http
        .get('/api/v1/sale-orders')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set(admin.auth)
        .expect(200);
      found.push(
        ...(res.body.items as Array<{ listingId: string }>).filter(
          (o) => o.listingId === listingId,
        ),
      );
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    return found;
  };

  /**
   * What grading would do: an item made AVAILABLE (with an inspection report in its history)
   * and ItemAvailableForSale in the outbox in the same transaction. Waits until it is pooled.
   */
  const availableItem = async (
    opts: {
      erasureStatus?: 'not_required' | 'pending' | 'certified';
      cosmetic?: boolean;
      car?: { vin: string; model: { id: string; category_id: string } };
    } = {},
  ) => {
    const item = await t.dataSource.transaction(async (m) => {
      const it = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId: (opts.car?.model ?? model).category_id,
        productModelId: (opts.car?.model ?? model).id,
        vin: opts.car?.vin ?? null,
        custodian: { kind: 'warehouse', id: warehouseId },
        erasureStatus: opts.erasureStatus ?? 'not_required',
        state: 'AVAILABLE',
      });
      await m.query(`UPDATE items SET grade = 'premium' WHERE id = $1`, [it.id]);
      await t.app.get(HistoryService).append(m, [it.id], {
        type: 'Inspection.complete',
        entity: 'Inspection',
        entityId: randomUUID(),
        fromState: 'IN_PROGRESS',
        toState: 'COMPLETED',
        actor: { role: 'warehouse', userId: randomUUID(), organisationId: warehouseId },
        data: {
          inspectionId: randomUUID(),
          graderId: 'grader-secret-id',
          standard: { code: 'PHONE', version: 1 },
          grade: 'premium',
          score: 96,
          summary: 'Premium: works as new',
          findings: [
            { checkId: 'screen', label: 'Screen', severity: 'none' },
            ...(opts.cosmetic
              ? [{ checkId: 'back', label: 'Light scratch on the back', severity: 'cosmetic' }]
              : []),
          ],
        },
      });
      await new OutboxService().write(m, [
        job(ItemAvailableForSale, { itemId: it.id, grade: 'premium' }),
      ]);
      return it;
    });
    await eventually(() => inPool(item.id));
    return item;
  };

  /** The item's state and custodian, as GET /items/:id shows them to an admin. */
  const itemRow = async (id: string) => {
    const item = await itemOf(t, id);
    return {
      state: item.state,
      custodian_kind: item.custodianKind,
      custodian_id: item.custodianId,
    };
  };

  /** Allocated to merchant A and published; returns the listing. */
  const publishedListing = async (
    opts: Parameters<typeof availableItem>[0] & { atCeiling?: boolean } = {},
  ) => {
    const item = await availableItem(opts);
    await t.http
      .post('/api/v1/inventory/allocations')
      .set(admin.auth)
      .send({ itemId: item.id, merchantId: merchantA.organisationId })
      .expect(201);
    const created = await t.http
      .post('/api/v1/listings')
      .set(merchantA.auth)
      .send({ itemId: item.id, description: 'Unlocked, with charger' })
      .expect(201);
    if (opts.atCeiling) {
      const body = created.body as ListingBody;
      await t.http
        .patch(`/api/v1/listings/${body.id}`)
        .set(merchantA.auth)
        .send({ priceMinor: body.pricing.ceilingMinor, version: body.version })
        .expect(200);
    }
    const published = await t.http
      .post(`/api/v1/listings/${created.body.id}/publish`)
      .set(merchantA.auth)
      .send({})
      .expect(200);
    return { item, listing: published.body as ListingBody };
  };

  const pay = async (orderId: string, who: TestUser = buyer) => {
    const intent = await t.http
      .post(`/api/v1/sale-orders/${orderId}/pay`)
      .set(who.auth)
      .send({})
      .expect(200);
    const signed = await signedConfirmation(t, {
      intentId: intent.body.intentId,
      amountMinor: intent.body.amountMinor,
      currency: intent.body.currency,
    });
    const send = () =>
      t.http
        .post('/api/v1/webhooks/inbound/test-pay')
        .set('content-type', 'application/json')
        .set('reloop-signature', signed.signature)
        .send(signed.body);
    return { intent: intent.body as { intentId: string; amountMinor: number }, send };
  };

  /** A listing bought, paid, shipped and delivered to `buyer`. */
  const deliveredOrder = async (opts: { atCeiling?: boolean } = {}) => {
    const { item, listing } = await publishedListing(opts);
    const order = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: listing.id, shippingAddress: ADDRESS })
      .expect(201);
    await (await pay(order.body.id)).send().expect(200);
    await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/ship`)
      .set(merchantA.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'SF1000200030' })
      .expect(200);
    await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    return { item, listing, orderId: order.body.id as string };
  };

  it('takes an item from available to delivered: allocated, listed, reserved, paid, shipped', async () => {
    const item = await availableItem({ cosmetic: true });

    const pool = await t.http.get('/api/v1/inventory/pool').set(merchantB.auth).expect(200);
    expect(pool.body.items.map((i: { itemId: string }) => i.itemId)).toContain(item.id);

    const allocated = await t.http
      .post('/api/v1/inventory/allocations')
      .set(admin.auth)
      .send({ itemId: item.id, merchantId: merchantA.organisationId })
      .expect(201);
    expect(allocated.body).toMatchObject({ itemState: 'ALLOCATED', allocation: 'admin' });
    expect(await itemRow(item.id)).toMatchObject({
      state: 'ALLOCATED',
      custodian_kind: 'merchant',
      custodian_id: merchantA.organisationId,
    });
    const mine = await t.http.get('/api/v1/inventory').set(merchantA.auth).expect(200);
    expect(mine.body.items.map((i: { itemId: string }) => i.itemId)).toContain(item.id);
    // The merchant's inventory names the item: trace code and model.
    const pm = (await t.http.get(`/api/v1/product-models/${model.id}`).expect(200)).body as {
      brand: string;
      model: string;
    };
    expect(
      (mine.body.items as Array<{ itemId: string }>).find((i) => i.itemId === item.id),
    ).toMatchObject({ traceCode: item.traceCode, model: { brand: pm.brand, name: pm.model } });
    await t.http.get(`/api/v1/inventory/${item.id}`).set(merchantB.auth).expect(404);
    // Another merchant cannot list it.
    await t.http.post('/api/v1/listings').set(merchantB.auth).send({ itemId: item.id }).expect(404);

    const draft = await t.http
      .post('/api/v1/listings')
      .set(merchantA.auth)
      .send({ itemId: item.id })
      .expect(201);
    const l = draft.body as ListingBody;
    expect(l.state).toBe('DRAFT');
    expect(l.pricing.suggestedMinor).toBeGreaterThan(0);
    expect(l.price.amountMinor).toBe(l.pricing.suggestedMinor);
    expect(l.pricing.floorMinor).toBe(Math.ceil(l.pricing.suggestedMinor * 0.7));
    // Premium with a cosmetic finding: the second tier in every scheme.
    expect(l.gradeLabels).toMatchObject({
      tier: 'B',
      backMarket: 'Excellent',
      amazonRenewed: 'Excellent',
    });
    expect(l.inspection).toMatchObject({ summary: 'Premium: works as new' });
    expect(l.inspection?.findings).toEqual([
      { label: 'Light scratch on the back', severity: 'cosmetic' },
    ]);
    expect(l.warrantyMonths).toBe(12);
    expect(l.returnWindowDays).toBe(14);
    expect(l.allowedActions).toEqual(expect.arrayContaining(['publish', 'withdraw', 'edit']));

    // Price bounds: beyond the band → 400 naming the field; inside → accepted.
    const tooCheap = await t.http
      .patch(`/api/v1/listings/${l.id}`)
      .set(merchantA.auth)
      .send({ priceMinor: l.pricing.floorMinor - 1 })
      .expect(400);
    expect(tooCheap.body.fields[0].field).toBe('priceMinor');
    const newPrice = Math.round(l.pricing.suggestedMinor * 1.1);
    const edited = await t.http
      .patch(`/api/v1/listings/${l.id}`)
      .set(merchantA.auth)
      .send({ priceMinor: newPrice, version: l.version })
      .expect(200);
    expect(edited.body.price.amountMinor).toBe(newPrice);
    await t.http
      .patch(`/api/v1/listings/${l.id}`)
      .set(merchantA.auth)
      .send({ title: 'stale', version: l.version })
      .expect(409);

    // A draft is not public.
    await t.http.get(`/api/v1/market/listings/${l.id}`).expect(404);
    const published = await t.http
      .post(`/api/v1/listings/${l.id}/publish`)
      .set(merchantA.auth)
      .send({ version: edited.body.version })
      .expect(200);
    expect(published.body.state).toBe('PUBLISHED');
    expect((await itemRow(item.id)).state).toBe('LISTED');

    const pub = await t.http.get(`/api/v1/market/listings/${l.id}`).expect(200);
    expect(pub.body).toMatchObject({ available: true, price: { amountMinor: newPrice } });
    const text = JSON.stringify(pub.body);
    expect(text).not.toContain('grader-secret-id');
    expect(text).not.toContain(merchantA.id);
    expect(pub.body).not.toHaveProperty('buyerId');

    const checkout = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: l.id, shippingAddress: ADDRESS })
      .expect(201);
    const orderId = checkout.body.id as string;
    expect(checkout.body).toMatchObject({
      state: 'PENDING_PAYMENT',
      price: { amountMinor: newPrice, currency: 'CNY' },
      gradeSold: 'premium',
    });
    const [expiry] = await t.dataSource.query<Array<{ run_at: Date }>>(
      `SELECT run_at FROM outbox WHERE name = 'expire-sale-reservation' AND payload->>'saleOrderId' = $1`,
      [orderId],
    );
    const minutes = (new Date(expiry.run_at).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    const reserved = await t.http.get(`/api/v1/listings/${l.id}`).set(merchantA.auth).expect(200);
    expect(reserved.body.state).toBe('RESERVED');
    await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer2.auth).expect(404);
    await t.http.post(`/api/v1/sale-orders/${orderId}/pay`).set(buyer2.auth).send({}).expect(404);

    // Payment: the provider's signed webhook, delivered twice, applied once.
    const { intent, send } = await pay(orderId);
    const again = await t.http
      .post(`/api/v1/sale-orders/${orderId}/pay`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    expect(again.body.intentId).toBe(intent.intentId);
    await t.http
      .post('/api/v1/webhooks/inbound/test-pay')
      .set('content-type', 'application/json')
      .set('reloop-signature', 't=1,v1=00')
      .send('{"id":"evt_forged","type":"payment.succeeded","data":{}}')
      .expect(401);
    const first = await send().expect(200);
    const second = await send().expect(200);
    expect([first.body.duplicate, second.body.duplicate]).toEqual([false, true]);
    const paid = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
    expect(paid.body.state).toBe('PAID');
    // Orders name what they sold, in the merchant's list and when read one by one.
    expect(paid.body.item).toEqual({ traceCode: item.traceCode, model: expect.any(Object) });
    const toShip = await t.http.get('/api/v1/sale-orders?state=PAID').set(merchantA.auth);
    expect(
      (toShip.body.items as Array<{ id: string; item: unknown }>).find((o) => o.id === orderId)
        ?.item,
    ).toEqual(paid.body.item);
    expect((await itemRow(item.id)).state).toBe('SOLD');
    const soldListing = await t.http.get(`/api/v1/listings/${l.id}`).set(merchantA.auth);
    expect(soldListing.body.state).toBe('SOLD');
    const payEvents = (await timelineOf(t, item.id)).filter((e) => e.type === 'SaleOrder.pay');
    expect(payEvents).toHaveLength(1);

    // The merchant ships; another merchant cannot.
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/ship`)
      .set(merchantB.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'SF1234567890' })
      .expect(404);
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/ship`)
      .set(merchantA.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'bad number!' })
      .expect(400);
    const shipped = await t.http
      .post(`/api/v1/sale-orders/${orderId}/ship`)
      .set(merchantA.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'SF1234567890' })
      .expect(200);
    expect(shipped.body).toMatchObject({
      state: 'SHIPPED',
      shipment: { carrier: 'SF Express', trackingNumber: 'SF1234567890' },
    });
    const delivered = await t.http
      .post(`/api/v1/sale-orders/${orderId}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    expect(delivered.body.state).toBe('DELIVERED');
    expect(delivered.body.allowedActions).toEqual(['request-return']);
    expect(await itemRow(item.id)).toMatchObject({
      state: 'SOLD',
      custodian_kind: 'buyer',
      custodian_id: buyer.id,
    });
    const sales = await t.dataSource.query<Array<{ price_minor: string; grade: string }>>(
      `SELECT price_minor, grade FROM market_sales WHERE source = 'resale' AND source_ref = $1`,
      [orderId],
    );
    expect(sales).toEqual([{ price_minor: String(newPrice), grade: 'premium' }]);
    const journey = (await timelineOf(t, item.id)).filter((e) => e.entity === 'Item');
    expect(journey.map((e) => e.type)).toEqual([
      'Item.created',
      'Item.allocate',
      'Item.list',
      'Item.sell',
      // Delivered: title passes to the buyer (issue 18).
      'Item.ownership-transferred',
    ]);
  });

  it('lets one of two racing buyers reserve a listing; the other gets 409', async () => {
    const { listing } = await publishedListing();
    const [a, b] = await Promise.all(
      [buyer, buyer2].map((u) =>
        t.http
          .post('/api/v1/sale-orders')
          .set(u.auth)
          .send({ listingId: listing.id, shippingAddress: ADDRESS }),
      ),
    );
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const orders = await ordersOfListing(listing.id);
    expect(orders).toHaveLength(1);
    // A merchant may not buy at all.
    await t.http
      .post('/api/v1/sale-orders')
      .set(merchantB.auth)
      .send({ listingId: listing.id, shippingAddress: ADDRESS })
      .expect(403);
  });

  it('puts the listing back on the market when the buyer cancels before paying', async () => {
    const { listing } = await publishedListing();
    const order = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: listing.id, shippingAddress: ADDRESS })
      .expect(201);
    await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/cancel`)
      .set(buyer2.auth)
      .send({})
      .expect(404);
    const cancelled = await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/cancel`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    expect(cancelled.body.state).toBe('CANCELLED');
    const pub = await t.http.get(`/api/v1/market/listings/${listing.id}`).expect(200);
    expect(pub.body.available).toBe(true);
    // The other buyer can now take it.
    await t.http
      .post('/api/v1/sale-orders')
      .set(buyer2.auth)
      .send({ listingId: listing.id, shippingAddress: ADDRESS })
      .expect(201);
  });

  it("refuses a merchant another merchant's listing (404)", async () => {
    const { listing } = await publishedListing();
    await t.http.get(`/api/v1/listings/${listing.id}`).set(merchantB.auth).expect(404);
    await t.http
      .patch(`/api/v1/listings/${listing.id}`)
      .set(merchantB.auth)
      .send({ title: 'mine now' })
      .expect(404);
    await t.http
      .post(`/api/v1/listings/${listing.id}/withdraw`)
      .set(merchantB.auth)
      .send({})
      .expect(404);
    const theirs = await t.http.get('/api/v1/listings').set(merchantB.auth).expect(200);
    expect(theirs.body.items.map((i: { id: string }) => i.id)).not.toContain(listing.id);
    // The owner withdraws it: the item goes back to ALLOCATED and off the market.
    const withdrawn = await t.http
      .post(`/api/v1/listings/${listing.id}/withdraw`)
      .set(merchantA.auth)
      .send({})
      .expect(200);
    expect(withdrawn.body.state).toBe('WITHDRAWN');
    await t.http.get(`/api/v1/market/listings/${listing.id}`).expect(404);
  });

  it('refuses an unwiped item (erasure gate) and lets one of two merchants claim a pool item', async () => {
    const unwiped = await availableItem({ erasureStatus: 'pending' });
    const refused = await t.http
      .post('/api/v1/inventory/allocations')
      .set(admin.auth)
      .send({ itemId: unwiped.id, merchantId: merchantA.organisationId })
      .expect(409);
    expect(refused.body.message).toContain('erasure certificate');
    await t.http
      .post(`/api/v1/inventory/pool/${unwiped.id}/claim`)
      .set(merchantB.auth)
      .send({})
      .expect(409);
    expect((await itemRow(unwiped.id)).state).toBe('AVAILABLE');

    const item = await availableItem({ erasureStatus: 'certified' });
    const claims = await Promise.all(
      [merchantA, merchantB].map((m) =>
        t.http.post(`/api/v1/inventory/pool/${item.id}/claim`).set(m.auth).send({}),
      ),
    );
    expect(claims.map((c) => c.status).sort()).toEqual([200, 409]);
    const winner = claims[0].status === 200 ? merchantA : merchantB;
    expect((await itemRow(item.id)).custodian_id).toBe(winner.organisationId);
    const pool = await t.http.get('/api/v1/inventory/pool').set(merchantA.auth).expect(200);
    expect(pool.body.items.map((i: { itemId: string }) => i.itemId)).not.toContain(item.id);
    // Released, it is back in the pool.
    await t.http.post(`/api/v1/inventory/${item.id}/release`).set(winner.auth).send({}).expect(200);
    expect(await itemRow(item.id)).toMatchObject({
      state: 'AVAILABLE',
      custodian_kind: 'warehouse',
    });
  });

  it('refuses a return after the merchant’s window', async () => {
    const { orderId } = await deliveredOrder();
    await t.dataSource.query(
      `UPDATE sale_orders SET delivered_at = now() - interval '15 days' WHERE id = $1`,
      [orderId],
    );
    const late = await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer.auth)
      .send({ reason: 'changed my mind' })
      .expect(409);
    expect(late.body.message).toContain('14-day return window');
  });
  it('does not hand a car over before its ownership transfer is done', async () => {
    // The first model by code in a category identified by VIN.
    const byVin = new Set(
      (await categories()).filter((c) => c.identifier === 'vin').map((c) => c.id),
    );
    const carModel = (await productModels(t)).find((p) => byVin.has(p.categoryId))!;
    const car = { id: carModel.id, category_id: carModel.categoryId };
    const { listing } = await publishedListing({ car: { vin: 'LSVAU2180N2183294', model: car } });
    const order = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: listing.id, shippingAddress: ADDRESS })
      .expect(201);
    await (await pay(order.body.id)).send().expect(200);
    await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/ship`)
      .set(merchantA.auth)
      .send({ carrier: 'Dealer delivery', trackingNumber: 'CAR-0001' })
      .expect(200);
    const refused = await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(409);
    expect(refused.body.message).toContain('ownership-transfer');

    // Payment opened the paperwork (OpenVehiclePaperwork); platform staff record the transfer.
    const transfer = await eventually(async () => {
      const res = await t.http
        .get(`/api/v1/vehicle-paperwork?saleOrderId=${order.body.id}`)
        .set(merchantA.auth)
        .expect(200);
      return (res.body.items as Array<{ id: string; kind: string }>).find(
        (x) => x.kind === 'ownership-transfer',
      );
    });
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/complete`)
      .set(merchantA.auth)
      .send({})
      .expect(409);
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/record-transfer`)
      .set(admin.auth)
      .send({ documentNumber: 'SH-DMV-2026-77', scanReference: 'scan://transfers/77.pdf' })
      .expect(200);
    const delivered = await t.http
      .post(`/api/v1/sale-orders/${order.body.id}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    expect(delivered.body.state).toBe('DELIVERED');
  });
});
