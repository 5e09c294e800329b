import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
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
} from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(240_000);

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
/** The buyer cracked the screen: graded good with a finding the sale report did not have. */
const CRACKED = { ...PERFECT, screen_condition: 'cracked' };

interface TrialBalance {
  accounts: Array<{ code: string; currency: string; balanceMinor: number }>;
  totals: Array<{
    currency: string;
    debitMinor: number;
    creditMinor: number;
    balanceMinor: number;
  }>;
}

/**
 * Issue 23: the money of a whole journey over HTTP — a trade-in bought from its seller, sold to
 * a buyer who pays through the provider, returned damaged (partial refund) — leaves a trial
 * balance of zero with each account at its expected value.
 */
describe('money: the ledger over a whole journey', () => {
  let t: TestApp;
  let admin: HttpUser;
  let seller: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let merchant: HttpUser;
  let buyer: HttpUser;
  let support: HttpUser;
  let itemId: string;
  let traceCode: string;
  let finalMinor: number;

  const trialBalance = async (who: HttpUser = admin) =>
    (await t.http.get('/api/v1/ledger/trial-balance').set(who.auth).expect(200))
      .body as TrialBalance;
  const balances = async () => {
    const tb = await trialBalance();
    return Object.fromEntries(
      tb.accounts.filter((a) => a.currency === 'CNY').map((a) => [a.code, a.balanceMinor]),
    );
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
    [seller, courier, grader, merchant, buyer, support] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('merchant', { organisationId: merchantOrg }),
      a.user('customer'),
      a.user('support'),
    ]);
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
  }, 120_000);
  afterAll(() => t?.close());

  it('is for admins only', async () => {
    await t.http.get('/api/v1/ledger/trial-balance').set(support.auth).expect(403);
    await t.http.get('/api/v1/ledger/trial-balance').set(merchant.auth).expect(403);
    await t.http.get('/api/v1/ledger/trial-balance?currency=yuan').set(admin.auth).expect(400);
    const empty = await trialBalance();
    expect(empty.accounts).toEqual([]);
  });

  it('posts the trade-in purchase when the seller is owed the final price', async () => {
    const models = await t.http.get('/api/v1/product-models?q=iPhone').expect(200);
    const model = (models.body.items as Array<{ id: string; code: string }>).find(
      (m) => m.code === 'apple-iphone-15-128',
    );
    if (!model) throw new Error('the demo catalog has no apple-iphone-15-128');
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(seller.auth)
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
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(seller.auth).expect(200);
      return o.body.state === 'QUOTED' ? o.body : null;
    }, 30_000);
    itemId = quoted.items[0].itemId as string;
    traceCode = quoted.items[0].traceCode as string;
    await t.http
      .post(`/api/v1/trade-ins/${tradeInId}/accept`)
      .set(seller.auth)
      .send({ version: quoted.version })
      .expect(200);
    const pickup = await eventually(async () => {
      const res = await t.http.get('/api/v1/pickups').set(seller.auth).expect(200);
      return (res.body.items as Array<{ id: string }>)[0];
    }, 20_000);
    await runPickup(t, { admin, courier }, pickup.id, [traceCode]);
    await receiveByScan(t, grader, traceCode);
    expect((await inspect(t, grader, itemId, PERFECT)).grade).toBe('premium');
    const settled = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(seller.auth).expect(200);
      const it = o.body.items[0] as { id: string; state: string };
      return ['ACCEPTED', 'OFFER_PENDING'].includes(it.state) ? it : null;
    }, 20_000);
    if (settled.state === 'OFFER_PENDING') {
      await t.http
        .post(`/api/v1/trade-ins/${tradeInId}/items/${settled.id}/accept-offer`)
        .set(seller.auth)
        .send({})
        .expect(200);
    }
    // The payout job pays the seller through the provider.
    const paid = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(seller.auth).expect(200);
      const it = o.body.items[0] as { payout: { amountMinor: number; status: string } | null };
      return it.payout?.status === 'paid' ? it.payout : null;
    }, 20_000);
    finalMinor = paid.amountMinor;
    expect(finalMinor).toBeGreaterThan(0);
    const b = await balances();
    expect(b['platform-purchases']).toBe(finalMinor);
    expect(b[`seller-payable:${seller.id}`]).toBe(0);
    expect(b['provider-clearing:test-pay']).toBe(-finalMinor);
    // The provider's answer is recorded with the transfer.
    const transfers = await t.http
      .get(`/api/v1/transfers?kind=payout&partyId=${seller.id}`)
      .set(support.auth)
      .expect(200);
    expect(transfers.body.items).toEqual([
      expect.objectContaining({
        state: 'succeeded',
        amountMinor: finalMinor,
        providerRef: expect.stringMatching(/^po_test_/),
        providerAnswer: expect.objectContaining({ test: true }),
      }),
    ]);
    await t.http.get('/api/v1/transfers').set(seller.auth).expect(403);
  });

  it('leaves a zero trial balance after a sale, its payment and a partial refund', async () => {
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
    const listing = await t.http
      .post(`/api/v1/listings/${draft.body.id as string}/publish`)
      .set(merchant.auth)
      .send({})
      .expect(200);
    const price = listing.body.price.amountMinor as number;
    const created = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: listing.body.id, shippingAddress: SHANGHAI })
      .expect(201);
    const orderId = created.body.id as string;
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/test-payment`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    let b = await balances();
    expect(b[`merchant-payable:${merchant.organisationId}`]).toBe(-price);
    expect(b['provider-clearing:test-pay']).toBe(price - finalMinor);

    // Shipped, delivered, returned with a cracked screen: the damage is deducted.
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/ship`)
      .set(merchant.auth)
      .send({ carrier: 'SF Express', trackingNumber: 'SF3000000003' })
      .expect(200);
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/confirm-delivery`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    await t.http
      .post(`/api/v1/sale-orders/${orderId}/request-return`)
      .set(buyer.auth)
      .send({ reason: 'Not what I expected' })
      .expect(200);
    const returnPickup = await eventually(async () => {
      const res = await t.http
        .get('/api/v1/pickups?direction=buyer-return')
        .set(buyer.auth)
        .expect(200);
      return (res.body.items as Array<{ id: string }>)[0];
    }, 20_000);
    await runPickup(t, { admin, courier }, returnPickup.id, [traceCode]);
    await receiveByScan(t, grader, traceCode);
    await inspect(t, grader, itemId, CRACKED);
    const returned = await eventually(async () => {
      const o = await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200);
      return o.body.state === 'RETURNED' && o.body.refund?.status === 'succeeded' ? o.body : null;
    }, 30_000);
    expect(returned.refund.refundId).toMatch(/^re_test_/);
    expect(returned.return.evidence.outcome).toBe('partial-refund');
    const refunded = returned.refund.amountMinor as number;
    const damage = returned.return.damageMinor as number;
    expect(refunded + damage).toBe(price);
    expect(damage).toBeGreaterThan(0);

    b = await balances();
    expect(b).toMatchObject({
      'platform-purchases': finalMinor,
      [`seller-payable:${seller.id}`]: 0,
      // The merchant keeps the deducted damage as its sale.
      [`merchant-payable:${merchant.organisationId}`]: -damage,
      [`refunds-payable:${buyer.id}`]: 0,
      'provider-clearing:test-pay': price - refunded - finalMinor,
    });
    const tb = await trialBalance();
    expect(tb.totals).toEqual([expect.objectContaining({ currency: 'CNY', balanceMinor: 0 })]);
    expect(tb.totals[0].debitMinor).toBe(tb.totals[0].creditMinor);
  });

  it('settles the merchant: commission by its rule, the payable paid out, CSV for both sides', async () => {
    const merchantId = merchant.organisationId!;
    const other = await accounts(t, admin).organisation('merchant');
    const otherMerchant = await accounts(t, admin).user('merchant', { organisationId: other });
    await t.http
      .put(`/api/v1/merchants/${merchantId}/commission-rule`)
      .set(merchant.auth)
      .send({ percentBp: 0 })
      .expect(403);
    await t.http
      .put(`/api/v1/merchants/${merchantId}/commission-rule`)
      .set(admin.auth)
      .send({ percentBp: 20_000 })
      .expect(400);
    await t.http
      .put(`/api/v1/merchants/${merchantId}/commission-rule`)
      .set(admin.auth)
      .send({ percentBp: 1000, fixedMinor: 0 })
      .expect(200);
    expect(
      (await t.http.get(`/api/v1/merchants/${merchantId}/commission-rule`).set(merchant.auth)).body,
    ).toMatchObject({ percentBp: 1000, fixedMinor: 0 });
    await t.http
      .get(`/api/v1/merchants/${merchantId}/commission-rule`)
      .set(otherMerchant.auth)
      .expect(404);

    const day = (offset: number) =>
      new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
    const before = await balances();
    const owed = -before[`merchant-payable:${merchantId}`];
    const issued = await t.http
      .post('/api/v1/settlements')
      .set(admin.auth)
      .send({ merchantId, from: day(-1), to: day(1) })
      .expect(201);
    const sales = issued.body.salesMinor as number;
    const returns = issued.body.returnsMinor as number;
    const commission = Math.round(((sales - returns) * 1000) / 10_000);
    expect(issued.body).toMatchObject({
      orders: 1,
      commissionMinor: commission,
      payableMinor: sales - returns - commission,
      currency: 'CNY',
    });
    expect(sales - returns).toBe(owed);
    // The same days again: refused, nothing settled twice.
    await t.http
      .post('/api/v1/settlements')
      .set(admin.auth)
      .send({ merchantId, from: day(0), to: day(2) })
      .expect(409);
    const paid = await eventually(async () => {
      const res = await t.http
        .get(`/api/v1/settlements/${issued.body.id as string}`)
        .set(merchant.auth)
        .expect(200);
      return res.body.state === 'paid' ? res.body : null;
    }, 20_000);
    expect(paid.paidAt).not.toBeNull();
    await t.http
      .get(`/api/v1/settlements/${issued.body.id as string}`)
      .set(otherMerchant.auth)
      .expect(404);
    expect((await t.http.get('/api/v1/settlements').set(otherMerchant.auth)).body.items).toEqual(
      [],
    );
    const csv = await t.http
      .get(`/api/v1/settlements/${issued.body.id as string}/csv`)
      .set(merchant.auth)
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      'statement_id,merchant_id,period_from,period_to,currency,orders,sales_minor,returns_minor,commission_minor,payable_minor,state',
    );
    expect(csv.text).toContain(
      `,${sales},${returns},${commission},${sales - returns - commission},paid`,
    );

    // The whole journey: every account at its expected value, and zero in total.
    const b = await balances();
    expect(b).toMatchObject({
      [`merchant-payable:${merchantId}`]: 0,
      'platform-commission': -commission,
      [`seller-payable:${seller.id}`]: 0,
      [`refunds-payable:${buyer.id}`]: 0,
      'platform-purchases': finalMinor,
      'provider-clearing:test-pay': sales - returns - finalMinor - (sales - returns - commission),
    });
    const tb = await trialBalance();
    expect(tb.totals).toEqual([expect.objectContaining({ currency: 'CNY', balanceMinor: 0 })]);
  });

  it('refuses to change or delete a posted line (append-only)', async () => {
    await expect(t.dataSource.query('UPDATE ledger_lines SET amount_minor = 1')).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query('DELETE FROM ledger_entries')).rejects.toThrow(/append-only/);
    // An unbalanced entry is refused at commit.
    await expect(
      t.dataSource.transaction(async (m) => {
        const [e] = await m.query<Array<{ id: string }>>(
          `INSERT INTO ledger_entries (kind, key, ref_kind, ref_id) VALUES ('payment', 'x', 'x', 'x') RETURNING id`,
        );
        const [acc] = await m.query<Array<{ id: string }>>(
          `SELECT id FROM ledger_accounts WHERE code = 'platform-purchases'`,
        );
        await m.query(
          `INSERT INTO ledger_lines (entry_id, account_id, amount_minor, currency) VALUES ($1, $2, 5, 'CNY')`,
          [e.id, acc.id],
        );
      }),
    ).rejects.toThrow(/does not balance/);
  });
});
