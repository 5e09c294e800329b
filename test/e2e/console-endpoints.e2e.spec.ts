import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ItemAvailableForSale } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { standardWindows } from '../../src/service-areas/engine/service-area.js';
import { PickupSchedulingService } from '../../src/logistics/pickup-scheduling.service.js';
import { InboundWebhooksService } from '../../src/notifications/webhooks/inbound.service.js';
import type { PaymentProvider } from '../../src/money/providers/payment-provider.js';
import { TestPaymentProvider } from '../../src/money/providers/test-provider.js';
import { SaleOrdersService } from '../../src/resale/sale-orders.service.js';
import { TestPaymentsService } from '../../src/resale/test-payments.service.js';
import { loadReferenceData } from '../support/fixtures.js';
import {
  createTestApp,
  eventually,
  productionEnv,
  type TestApp,
  type TestUser,
} from '../support/test-app.js';
import { itemOf } from '../support/reads.js';

const ADDRESS = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};

/** Endpoints added for the console: test-mode payment completion and pickup load per window. */
describe('console endpoints', () => {
  let t: TestApp;
  let admin: TestUser;
  let merchant: TestUser;
  let buyer: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    [admin, merchant, buyer] = await Promise.all([
      t.user('admin'),
      t.user('merchant'),
      t.user('customer'),
    ]);
  }, 120_000);
  afterAll(() => t.close());

  /** A pooled premium item, claimed and listed by `merchant`; returns the published listing. */
  const publishedListing = async () => {
    const [model] = await t.dataSource.query<Array<{ id: string; category_id: string }>>(
      `SELECT p.id, p.category_id FROM product_models p JOIN categories c ON c.id = p.category_id
        WHERE p.launch_price_minor IS NOT NULL AND c.code NOT LIKE 'luxury%' ORDER BY p.code LIMIT 1`,
    );
    const warehouseId = await t.organisation('warehouse');
    const item = await t.dataSource.transaction(async (m) => {
      const it = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId: model.category_id,
        productModelId: model.id,
        custodian: { kind: 'warehouse', id: warehouseId },
        erasureStatus: 'not_required',
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
        data: { grade: 'premium', score: 95, summary: 'Premium', findings: [] },
      });
      await new OutboxService().write(m, [
        job(ItemAvailableForSale, { itemId: it.id, grade: 'premium' }),
      ]);
      return it;
    });
    await eventually(async () => {
      const r = await t.http
        .post(`/api/v1/inventory/pool/${item.id}/claim`)
        .set(merchant.auth)
        .send({});
      return r.status === 200;
    });
    const draft = await t.http
      .post('/api/v1/listings')
      .set(merchant.auth)
      .send({ itemId: item.id })
      .expect(201);
    await t.http
      .post(`/api/v1/listings/${draft.body.id}/publish`)
      .set(merchant.auth)
      .send({})
      .expect(200);
    return draft.body as { id: string; itemId: string; price: { amountMinor: number } };
  };

  describe('test-mode payment', () => {
    it('completes a payment through the signed inbound webhook, once, for the buyer only', async () => {
      const listing = await publishedListing();
      const order = await t.http
        .post('/api/v1/sale-orders')
        .set(buyer.auth)
        .send({ listingId: listing.id, shippingAddress: ADDRESS })
        .expect(201);
      const id = order.body.id as string;

      const intent = await t.http.post(`/api/v1/sale-orders/${id}/pay`).set(buyer.auth).send({});
      expect(intent.status).toBe(200);
      expect(intent.body).toMatchObject({
        provider: 'test-pay',
        testMode: true,
        testPaymentPath: `/sale-orders/${id}/test-payment`,
      });

      // Someone else's order is not found; other roles may not pay.
      const other = await t.user('customer');
      await t.http.post(`/api/v1/sale-orders/${id}/test-payment`).set(other.auth).expect(404);
      await t.http.post(`/api/v1/sale-orders/${id}/test-payment`).set(merchant.auth).expect(403);

      const paid = await t.http
        .post(`/api/v1/sale-orders/${id}/test-payment`)
        .set(buyer.auth)
        .send({})
        .expect(200);
      expect(paid.body.state).toBe('PAID');
      expect(paid.body.payment.intentId).toBe(intent.body.intentId);

      // It went through the inbound webhook store: one verified, handled event for the intent.
      const events = await t.dataSource.query<Array<{ event_id: string; handled_by: number }>>(
        `SELECT event_id, handled_by FROM inbound_webhooks
          WHERE provider = 'test-pay' AND payload->'data'->>'intentId' = $1`,
        [intent.body.intentId],
      );
      expect(events).toEqual([{ event_id: paid.body.testPayment.eventId, handled_by: 1 }]);
      const item = await itemOf(t, listing.itemId);
      expect(item.state).toBe('SOLD');

      // Paid already: nothing to pay again.
      const again = await t.http
        .post(`/api/v1/sale-orders/${id}/test-payment`)
        .set(buyer.auth)
        .send({});
      expect(again.status).toBe(409);
      expect(again.body.state).toBe('PAID');
    });

    it('is refused when another payment provider is active', () => {
      const real: PaymentProvider = {
        name: 'real-pay',
        simulated: false,
        createIntent: () => Promise.reject(new Error('not used')),
        refund: () => Promise.reject(new Error('not used')),
        payout: () => Promise.reject(new Error('not used')),
      };
      const service = new TestPaymentsService(
        t.config,
        real,
        t.app.get(TestPaymentProvider),
        t.app.get(InboundWebhooksService),
        t.app.get(SaleOrdersService),
      );
      expect(service.refusal()).toMatch(/real-pay/);
      expect(t.app.get(TestPaymentsService).refusal()).toBeNull();
    });

    it('is refused in production, and pay() does not offer it there', async () => {
      const prod = await createTestApp(productionEnv());
      try {
        expect(prod.config.env).toBe('production');
        const customer = await prod.user('customer');
        const refused = await prod.http
          .post(`/api/v1/sale-orders/${randomUUID()}/test-payment`)
          .set(customer.auth)
          .send({});
        expect(refused.status).toBe(403);
        expect(refused.body.message).toMatch(/never available in production/);
        expect(prod.app.get(TestPaymentsService).refusal()).toMatch(/production/);
      } finally {
        await prod.close();
      }
    });
  });

  describe('pickup load per window', () => {
    it('counts booked pickups per window against capacity for an area and day', async () => {
      const code = '990100';
      await t.http
        .post('/api/v1/service-areas')
        .set(admin.auth)
        .send({
          cityCode: code,
          cityName: 'Load City',
          timeZone: 'Asia/Shanghai',
          sameDay: true,
          windows: standardWindows(4),
          districts: [{ code: `${code}01`, name: 'Only district' }],
        })
        .expect(201);
      const owner = await t.user('customer');
      const warehouseId = await t.organisation('warehouse');
      const schedule = async () => {
        const item = await t.dataSource.transaction((m) =>
          t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
            ownerId: owner.id,
            custodian: { kind: 'owner', id: owner.id },
            erasureStatus: 'not_required',
            state: 'DECLARED',
          }),
        );
        return t.app.get(PickupSchedulingService).schedule({
          direction: 'inbound',
          source: { kind: 'trade-in', id: randomUUID() },
          customerId: owner.id,
          itemIds: [item.id],
          address: { ...ADDRESS, cityCode: code, districtCode: `${code}01` },
          warehouseId,
          requestedAt: new Date().toISOString(),
          specialPackaging: false,
        });
      };
      const first = await schedule();
      const second = await schedule();
      const third = await schedule();
      // Cancelled pickups give their place back, so they are not counted.
      await t.dataSource.query(`UPDATE pickups SET state = 'CANCELLED' WHERE id = $1`, [third.id]);

      const date = String(first.promisedDate);
      const load = await t.http
        .get('/api/v1/pickups/load')
        .query({ cityCode: code, date })
        .set(admin.auth)
        .expect(200);
      expect(load.body).toMatchObject({ cityCode: code, date, total: { capacity: 20 } });
      expect(load.body.windows).toHaveLength(5);
      const expected = new Map<number, number>();
      for (const p of [first, second]) {
        if (String(p.promisedDate) === date) {
          expected.set(p.windowIndex, (expected.get(p.windowIndex) ?? 0) + 1);
        }
      }
      for (const w of load.body.windows as Array<{
        index: number;
        capacity: number;
        booked: number;
        byState: Record<string, number>;
      }>) {
        expect(w.capacity).toBe(4);
        expect(w.booked).toBe(expected.get(w.index) ?? 0);
        expect(w.byState.CANCELLED).toBeUndefined();
      }
      expect(load.body.total.booked).toBe([...expected.values()].reduce((a, b) => a + b, 0));
      expect(load.body.total.booked).toBeGreaterThanOrEqual(1);

      // Without a date: the area's today.
      const today = await t.http
        .get('/api/v1/pickups/load')
        .query({ cityCode: code })
        .set(admin.auth)
        .expect(200);
      expect(today.body.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

      const support = await t.user('support');
      await t.http
        .get('/api/v1/pickups/load')
        .query({ cityCode: code })
        .set(support.auth)
        .expect(200);
      const courier = await t.user('courier');
      await t.http
        .get('/api/v1/pickups/load')
        .query({ cityCode: code })
        .set(courier.auth)
        .expect(403);
      await t.http
        .get('/api/v1/pickups/load')
        .query({ cityCode: '000000' })
        .set(admin.auth)
        .expect(404);
      const badDate = await t.http
        .get('/api/v1/pickups/load')
        .query({ cityCode: code, date: '2026-02-31' })
        .set(admin.auth)
        .expect(400);
      expect(badDate.body.fields[0].field).toBe('date');
      await t.http.get('/api/v1/pickups/load').set(admin.auth).expect(400);
    });
  });
});
