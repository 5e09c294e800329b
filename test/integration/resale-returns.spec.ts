import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import {
  ItemAvailableForSale,
  ReturnInspected,
  SaleOrderShipmentUpdate,
  type ShipmentUpdatePayload,
} from '../../src/core/jobs/job-catalogue.js';
import { job, type JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
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

/**
 * Moved from test/e2e/resale.e2e.spec.ts (issue 20 point 5): these tests run resale's job
 * handlers for the reverse pickup's updates and the re-inspection directly (twice, to show they
 * apply once), and read the outbox, the money transfers, the test provider's refunds and the
 * market sales, so their subject is the handlers and the rows they write. The set-up is the e2e
 * file's: items made AVAILABLE as grading would, then listed, bought, paid and delivered over HTTP.
 */
describe('resale returns: reverse pickup, re-inspection, refunds and the valuation', () => {
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

  const runHandler = async <P>(def: JobDef<P>, payload: P) => {
    const h = t.app.get(JobHandlerRegistry).get(def.name);
    if (!h) throw new Error(`no handler for ${def.name}`);
    await h.run(payload, { jobId: randomUUID(), attempt: 1, maxAttempts: 1 });
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

  beforeAll(async () => {
    // Merchant A's earlier sale, delivered and kept (the e2e file's first journey), which the
    // merchant's performance figures below count with the returned one.
    await deliveredOrder();
  }, 120_000);

  it('takes a buyer return back through a reverse pickup and re-inspection', async () => {
    const { item, orderId } = await deliveredOrder();
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer2.auth)
      .send({ reason: 'not as described' })
      .expect(404);
    const requested = await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer.auth)
      .send({ reason: 'Battery drains fast' })
      .expect(200);
    expect(requested.body.state).toBe('RETURN_REQUESTED');
    expect((await itemRow(item.id)).state).toBe('RETURN_IN_TRANSIT');
    const [pickupJob] = await t.dataSource.query<Array<{ payload: Record<string, unknown> }>>(
      `SELECT payload FROM outbox WHERE name = 'schedule-pickup' AND payload->'source'->>'id' = $1`,
      [orderId],
    );
    expect(pickupJob.payload).toMatchObject({
      direction: 'buyer-return',
      source: { kind: 'sale-order', id: orderId },
      customerId: buyer.id,
      itemIds: [item.id],
      address: ADDRESS,
    });

    // Logistics reports the shipment; repeated updates change nothing more.
    const update = (event: ShipmentUpdatePayload['event']): ShipmentUpdatePayload => ({
      pickupId: '9d0c8a3e-0000-4000-8000-000000000001',
      source: { kind: 'sale-order', id: orderId },
      direction: 'buyer-return',
      event,
      itemIds: [item.id],
      sealNumber: null,
      warehouseId,
      promisedWindow: null,
      reason: null,
      at: new Date().toISOString(),
    });
    await runHandler(SaleOrderShipmentUpdate, update('collected'));
    await runHandler(SaleOrderShipmentUpdate, update('delivered'));
    await runHandler(SaleOrderShipmentUpdate, update('delivered'));
    const back = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
    expect(back.body.return.receivedAt).not.toBeNull();
    const events = (back.body.return.shipment as Array<{ event: string; pickupId: string }>)
      .filter((e) => e.pickupId === update('delivered').pickupId)
      .map((e) => e.event);
    expect(events).toEqual(['collected', 'delivered']);

    // Re-inspection found it good, sold as premium: a mismatch against the merchant.
    const inspected = {
      itemId: item.id,
      inspectionId: randomUUID(),
      grade: 'good' as const,
      source: { kind: 'sale-order' as const, id: orderId },
    };
    await runHandler(ReturnInspected, inspected);
    await runHandler(ReturnInspected, inspected);
    const returned = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
    expect(returned.body).toMatchObject({
      state: 'RETURNED',
      return: { grade: 'good', gradeMismatch: true },
      refund: { amountMinor: returned.body.price.amountMinor, currency: 'CNY' },
    });
    const completions = (await timelineOf(t, item.id)).filter(
      (e) => e.type === 'SaleOrder.complete-return',
    );
    expect(completions).toHaveLength(1);
    const cases = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox WHERE name = 'open-support-case' AND payload->>'dedupeKey' = $1`,
      [`return-grade:${orderId}`],
    );
    expect(cases).toHaveLength(1);

    const perf = await t.http
      .get('/api/v1/merchants/me/performance')
      .set(merchantA.auth)
      .expect(200);
    expect(perf.body.sales.delivered).toBeGreaterThanOrEqual(2);
    expect(perf.body.returns.requested).toBe(1);
    expect(perf.body.returns.rate).toBeCloseTo(1 / perf.body.sales.delivered, 3);
    expect(perf.body.gradeMismatch).toEqual({ count: 1, rate: 1 });
    expect(perf.body.timeToShip.shipped).toBeGreaterThanOrEqual(2);
    expect(perf.body.timeToShip.averageHours).toBeGreaterThanOrEqual(0);
    const byAdmin = await t.http
      .get(`/api/v1/merchants/${merchantA.organisationId}/performance`)
      .set(admin.auth)
      .expect(200);
    expect(byAdmin.body.gradeMismatch.count).toBe(1);
    await t.http
      .get(`/api/v1/merchants/${merchantA.organisationId}/performance`)
      .set(merchantB.auth)
      .expect(403);
  });

  it('deducts damage the buyer caused, shows both reports, and lets the buyer dispute it', async () => {
    const { item, orderId } = await deliveredOrder();
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer.auth)
      .send({ reason: 'Screen flickers' })
      .expect(200);
    const inspectionId = randomUUID();
    await t.dataSource.transaction((m) =>
      t.app.get(HistoryService).append(m, [item.id], {
        type: 'Inspection.complete',
        entity: 'Inspection',
        entityId: inspectionId,
        fromState: 'IN_PROGRESS',
        toState: 'COMPLETED',
        actor: { role: 'warehouse', userId: randomUUID(), organisationId: warehouseId },
        data: {
          inspectionId,
          grade: 'good',
          score: 70,
          summary: 'Good: cracked screen',
          findings: [
            { checkId: 'screen', label: 'Screen', severity: 'functional', deductionShare: 0.25 },
          ],
        },
      }),
    );
    const payload = {
      itemId: item.id,
      inspectionId,
      grade: 'good' as const,
      source: { kind: 'sale-order' as const, id: orderId },
    };
    await runHandler(ReturnInspected, payload);
    await runHandler(ReturnInspected, payload);
    const returned = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
    const price = returned.body.price.amountMinor as number;
    const deduction = Math.round(price * 0.25);
    expect(returned.body).toMatchObject({
      state: 'RETURNED',
      refund: { amountMinor: price - deduction },
      return: {
        damageMinor: deduction,
        evidence: {
          outcome: 'partial-refund',
          deductionMinor: deduction,
          damage: [{ checkId: 'screen', before: 'none', after: 'functional' }],
          beforeSale: { grade: 'premium', findings: [{ checkId: 'screen', severity: 'none' }] },
          afterReturn: { grade: 'good', inspectionId },
        },
        dispute: { kind: 'buyer-return-dispute', orderRef: { kind: 'sale-order', id: orderId } },
      },
    });
    // Refunded once, under the number derived from the order's key, however often the job ran.
    const [transfer] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM money_transfers WHERE key = $1',
      [`sale-order:${orderId}:return-refund`],
    );
    const refunds = await eventually(async () => {
      const rows = await t.dataSource.query<Array<{ amount_minor: string }>>(
        'SELECT amount_minor FROM test_payment_refunds WHERE idempotency_key = $1',
        [transfer.id.replace(/-/g, '')],
      );
      return rows.length ? rows : null;
    });
    expect(refunds).toEqual([{ amount_minor: String(price - deduction) }]);
    // The buyer disputes it through a support case about the order.
    const dispute = await t.http
      .post('/api/v1/support/cases')
      .set(buyer.auth)
      .send({
        kind: 'buyer-return-dispute',
        summary: 'The screen was cracked when it arrived',
        orderRef: { kind: 'sale-order', id: orderId },
      })
      .expect(201);
    expect(dispute.body.state).toBe('OPEN');
  });

  it('parks a return whose pickup failed for good until it is rebooked or the buyer keeps the item', async () => {
    const { item, orderId } = await deliveredOrder();
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer.auth)
      .send({ reason: 'Too big' })
      .expect(200);
    const update = (
      event: ShipmentUpdatePayload['event'],
      pickupId: string,
    ): ShipmentUpdatePayload => ({
      pickupId,
      source: { kind: 'sale-order', id: orderId },
      direction: 'buyer-return',
      event,
      itemIds: [item.id],
      sealNumber: null,
      warehouseId: null,
      promisedWindow: null,
      reason: event === 'cancelled' ? 'customer-absent' : null,
      at: new Date().toISOString(),
    });
    const first = randomUUID();
    await runHandler(SaleOrderShipmentUpdate, update('scheduled', first));
    await runHandler(SaleOrderShipmentUpdate, update('cancelled', first));
    await runHandler(SaleOrderShipmentUpdate, update('cancelled', first));
    const failed = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
    expect(failed.body.state).toBe('RETURN_PICKUP_FAILED');
    expect(failed.body.allowedActions.sort()).toEqual(['rebook-return', 'withdraw-return']);
    const cases = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox WHERE name = 'open-support-case' AND payload->>'dedupeKey' = $1`,
      [`return-pickup-failed:${orderId}:1`],
    );
    expect(cases).toHaveLength(1);
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/rebook-return`)
      .set(buyer2.auth)
      .send({})
      .expect(404);
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/rebook-return`)
      .set(merchantA.auth)
      .send({})
      .expect(403);
    const rebooked = await t.http
      .post(`/api/v1/sale-orders/${orderId}/rebook-return`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    expect(rebooked.body).toMatchObject({ state: 'RETURN_REQUESTED', return: { round: 2 } });
    // Logistics books a second pickup for the same order (round 2).
    const second = await eventually(async () => {
      const rows = await t.dataSource.query<Array<{ id: string; round: number }>>(
        `SELECT id, round FROM pickups WHERE source_id = $1 AND direction = 'buyer-return' AND round = 2`,
        [orderId],
      );
      return rows[0];
    });
    await runHandler(SaleOrderShipmentUpdate, update('cancelled', second.id));
    const again = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
    expect(again.body.state).toBe('RETURN_PICKUP_FAILED');
    // Support settles it with the buyer: they keep the item.
    const kept = await t.http
      .post(`/api/v1/sale-orders/${orderId}/withdraw-return`)
      .set(admin.auth)
      .send({ note: 'Buyer keeps it' })
      .expect(200);
    expect(kept.body.state).toBe('DELIVERED');
    expect(await itemRow(item.id)).toMatchObject({
      state: 'SOLD',
      custodian_kind: 'buyer',
      custodian_id: buyer.id,
    });
  });

  it('takes a refunded sale out of the valuation at once: three inflated sales then returns leave the quote as it was', async () => {
    const quote = async () => {
      const res = await t.http
        .post('/api/v1/valuation/estimate')
        .set(admin.auth)
        .send({ productModelId: model.id, grade: 'premium' })
        .expect(200);
      return res.body as { amountMinor: number; details: { comparablesUsed: number } };
    };
    const before = await quote();

    // Three sales at the top of the band: they count as soon as they are delivered.
    const orders: Array<{ item: { id: string }; orderId: string }> = [];
    for (let i = 0; i < 3; i++) orders.push(await deliveredOrder({ atCeiling: true }));
    const inflated = await quote();
    expect(inflated.details.comparablesUsed).toBe(before.details.comparablesUsed + 3);
    expect(inflated.amountMinor).toBeGreaterThan(before.amountMinor * 1.01);

    // Each comes back and is refunded in full.
    for (const { item, orderId } of orders) {
      await t.http
        .post(`/api/v1/sale-orders/${orderId}/request-return`)
        .set(buyer.auth)
        .send({ reason: 'Changed my mind' })
        .expect(200);
      const shipment = (event: ShipmentUpdatePayload['event']): ShipmentUpdatePayload => ({
        pickupId: randomUUID(),
        source: { kind: 'sale-order', id: orderId },
        direction: 'buyer-return',
        event,
        itemIds: [item.id],
        sealNumber: null,
        warehouseId,
        promisedWindow: null,
        reason: null,
        at: new Date().toISOString(),
      });
      await runHandler(SaleOrderShipmentUpdate, shipment('collected'));
      await runHandler(SaleOrderShipmentUpdate, shipment('delivered'));
      await runHandler(ReturnInspected, {
        itemId: item.id,
        inspectionId: randomUUID(),
        grade: 'premium',
        source: { kind: 'sale-order', id: orderId },
      });
      const back = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
      expect(back.body.state).toBe('RETURNED');
    }
    const after = await quote();
    // The same sales count as before; only the valuation date has moved on (seconds of aging).
    expect(after.details.comparablesUsed).toBe(before.details.comparablesUsed);
    expect(Math.abs(after.amountMinor - before.amountMinor)).toBeLessThanOrEqual(
      Math.ceil(before.amountMinor * 0.0005),
    );
    const withdrawn = await t.dataSource.query<Array<{ withdrawn_reason: string }>>(
      `SELECT withdrawn_reason FROM market_sales WHERE source = 'resale' AND source_ref = ANY($1)`,
      [orders.map((o) => o.orderId)],
    );
    expect(withdrawn.map((w) => w.withdrawn_reason)).toEqual([
      'return-refund',
      'return-refund',
      'return-refund',
    ]);
  });
});
