import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ExecuteTransfer } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransfersService } from '../../src/money/transfers/transfers.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import {
  accounts,
  type HttpUser,
  listItem,
  loadReferenceData,
  SHANGHAI,
  tradeInPhone,
} from '../support/http-journey.js';
import { createTestApp, eventually, productionEnv, type TestApp } from '../support/test-app.js';
import { WeChatPayStandIn } from '../support/wechatpay-standin.js';

jest.setTimeout(240_000);

/**
 * Issue 23, point 2: WeChat Pay API v3 as the payment provider, against a local stand-in that
 * signs and encrypts exactly as WeChat Pay documents (keys generated here). The seller is paid
 * out by a merchant transfer, the buyer pays a Native order confirmed by a signed, encrypted
 * notification — a forged or tampered one is refused and changes nothing — and a refund run
 * twice refunds once at the provider.
 */
describe('money: WeChat Pay API v3', () => {
  let wx: WeChatPayStandIn;
  let t: TestApp;
  let admin: HttpUser;
  let seller: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let merchant: HttpUser;
  let buyer: HttpUser;
  let itemId: string;
  let orderId: string;
  let outTradeNo: string;
  let price: number;

  const notify = (n: { body: string; headers: Record<string, string> }) =>
    t.http
      .post('/api/v1/webhooks/inbound/wechatpay')
      .set('content-type', 'application/json')
      .set(n.headers)
      .send(n.body);
  const order = async () =>
    (await t.http.get(`/api/v1/sale-orders/${orderId}`).set(buyer.auth).expect(200)).body as {
      state: string;
      refund: { status: string; refundId: string | null } | null;
    };
  const ledgerEntries = async (key: string) =>
    t.dataSource.query<unknown[]>('SELECT 1 FROM ledger_entries WHERE key = $1', [key]);

  beforeAll(async () => {
    wx = await new WeChatPayStandIn().start();
    t = await createTestApp({
      ...wx.env(),
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    await loadReferenceData(t);
    admin = { ...(await t.user('admin')), role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    const merchantOrg = await a.organisation('merchant');
    [seller, courier, grader, merchant, buyer] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('merchant', { organisationId: merchantOrg }),
      a.user('customer'),
    ]);
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await wx?.stop();
  });

  it('production refuses to start with the test provider, in one line', async () => {
    await expect(
      createTestApp({ ...productionEnv(), PAYMENT_PROVIDER: 'test-pay' }),
    ).rejects.toThrow(
      /^PAYMENT_PROVIDER=test-pay is refused in production \(the test payment provider moves no money\): set PAYMENT_PROVIDER=wechatpay/,
    );
    // No test payments with a real provider.
    await t.http
      .post(`/api/v1/sale-orders/${randomUUID()}/test-payment`)
      .set(buyer.auth)
      .send({})
      .expect(403);
  });

  it('pays the seller by a WeChat Pay transfer once they record their openid', async () => {
    const { tradeInId, itemId: id } = await tradeInPhone(
      t,
      { admin, seller, courier, grader },
      idealAnswers(PHONE_STANDARD),
    );
    itemId = id;
    // No openid yet: the payout waits, held, and nothing reached WeChat Pay.
    const held = await eventually(async () => {
      const res = await t.http
        .get(`/api/v1/transfers?kind=payout&partyId=${seller.id}`)
        .set(admin.auth)
        .expect(200);
      const [x] = res.body.items as Array<{ id: string; state: string; holdReason: string }>;
      return x?.state === 'held' ? x : null;
    }, 20_000);
    expect(held.holdReason).toMatch(/^payee-account-missing/);
    expect(wx.transfers.size).toBe(0);
    const set = await t.http
      .put('/api/v1/payout-account')
      .set(seller.auth)
      .send({ account: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' })
      .expect(200);
    expect(set.body).toMatchObject({ provider: 'wechatpay', released: 1 });
    const paid = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(seller.auth).expect(200);
      return o.body.items[0].payout?.status === 'paid' ? o.body.items[0].payout : null;
    }, 20_000);
    // One transfer at WeChat Pay, numbered by our transfer's id, to the seller's openid.
    expect([...wx.transfers.values()]).toEqual([
      expect.objectContaining({
        out_bill_no: held.id.replace(/-/g, ''),
        openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
        transfer_amount: paid.amountMinor,
      }),
    ]);
    // Every request we made was signed with the merchant key.
    expect(wx.requests.length).toBeGreaterThan(0);
    expect(wx.requests.every((r) => r.signed)).toBe(true);
  });

  it('refuses a forged or tampered payment notification and changes nothing', async () => {
    const listing = await listItem(t, merchant, itemId);
    price = listing.priceMinor;
    const created = await t.http
      .post('/api/v1/sale-orders')
      .set(buyer.auth)
      .send({ listingId: listing.id, shippingAddress: SHANGHAI })
      .expect(201);
    orderId = created.body.id as string;
    const intent = await t.http
      .post(`/api/v1/sale-orders/${orderId}/pay`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    outTradeNo = intent.body.intentId as string;
    expect(intent.body).toMatchObject({
      provider: 'wechatpay',
      intentId: orderId.replace(/-/g, ''),
      confirmation: { codeUrl: expect.stringMatching(/^weixin:\/\/wxpay\/bizpayurl/) },
    });
    expect(wx.orders.get(outTradeNo)).toMatchObject({ total: price, currency: 'CNY' });

    const genuine = wx.paymentNotification(outTradeNo);
    const forgedKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const attempts = [
      // The amount changed after signing.
      { ...genuine, body: genuine.body.replace('"summary":"支付成功"', '"summary":"支付成功 "') },
      // Signed by someone else's key.
      wx.paymentNotification(outTradeNo, { signWith: forgedKey }),
      // Encrypted with another APIv3 key (and signed correctly): the resource does not open.
      wx.paymentNotification(outTradeNo, { apiV3Key: 'b'.repeat(32) }),
      // An old notification replayed.
      wx.paymentNotification(outTradeNo, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      // Another serial than the platform's.
      { ...genuine, headers: { ...genuine.headers, 'Wechatpay-Serial': 'SOMEONE_ELSE_1234' } },
      // No signature at all.
      { body: genuine.body, headers: {} },
    ];
    for (const n of attempts) {
      const res = await notify(n);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/WeChat Pay notification refused/);
    }
    expect((await order()).state).toBe('PENDING_PAYMENT');
    expect(await ledgerEntries(`payment:${orderId}`)).toHaveLength(0);
    const stored = await t.dataSource.query<unknown[]>(
      `SELECT 1 FROM inbound_webhooks WHERE provider = 'wechatpay'`,
    );
    expect(stored).toHaveLength(0);

    // The genuine one pays the order; sent again, it is a duplicate.
    const ok = await notify(genuine).expect(200);
    expect(ok.body).toMatchObject({ duplicate: false, eventId: genuine.id });
    expect((await order()).state).toBe('PAID');
    expect((await notify(genuine).expect(200)).body.duplicate).toBe(true);
    expect(await ledgerEntries(`payment:${orderId}`)).toHaveLength(1);
    const tb = await t.http.get('/api/v1/ledger/trial-balance').set(admin.auth).expect(200);
    const clearing = (tb.body.accounts as Array<{ code: string; balanceMinor: number }>).find(
      (a) => a.code === 'provider-clearing:wechatpay',
    );
    expect(clearing).toBeDefined();
  });

  it('refunds once at WeChat Pay however often the refund job runs', async () => {
    await t.http.post(`/api/v1/sale-orders/${orderId}/cancel`).set(buyer.auth).send({}).expect(200);
    const done = await eventually(async () => {
      const o = await order();
      return o.refund?.status === 'succeeded' ? o : null;
    }, 20_000);
    const [transfer] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM money_transfers WHERE key = $1',
      [`sale-order:${orderId}:cancel-refund`],
    );
    // The job again, twice at once, and once more after a lost answer.
    const run = () =>
      t.app
        .get(JobHandlerRegistry)
        .get(ExecuteTransfer.name)!
        .run({ transferId: transfer.id }, { jobId: randomUUID(), attempt: 1, maxAttempts: 10 });
    await Promise.all([run(), run()]);
    await t.dataSource.query(`UPDATE money_transfers SET state = 'processing' WHERE id = $1`, [
      transfer.id,
    ]);
    await run();
    const refunds = [...wx.refunds.values()].filter((r) => r.out_trade_no === outTradeNo);
    expect(refunds).toEqual([
      expect.objectContaining({
        out_refund_no: transfer.id.replace(/-/g, ''),
        amount: expect.objectContaining({ refund: price, total: price }),
        status: 'SUCCESS',
      }),
    ]);
    expect(done.refund?.refundId).toBe(refunds[0].refund_id);
    expect(await ledgerEntries(`refund:sale-order:${orderId}:cancel-refund`)).toHaveLength(1);
    const tb = await t.http.get('/api/v1/ledger/trial-balance').set(admin.auth).expect(200);
    expect(tb.body.totals).toEqual([expect.objectContaining({ currency: 'CNY', balanceMinor: 0 })]);
  });

  it('asks again while WeChat Pay is down, then pays once', async () => {
    const transfers = t.app.get(TransfersService);
    const key = `test-payout:${randomUUID()}`;
    const payout = await t.dataSource.transaction((m) =>
      transfers.requestPayout(m, {
        key,
        party: { kind: 'user', id: seller.id },
        accountKind: 'seller-payable',
        amountMinor: 100,
        currency: 'CNY',
        source: { kind: 'test-payout', id: randomUUID() },
        reason: 'outage test',
      }),
    );
    wx.failNext = 1_000; // down until further notice
    const run = (attempt: number) =>
      t.app
        .get(JobHandlerRegistry)
        .get(ExecuteTransfer.name)!
        .run({ transferId: payout.id }, { jobId: randomUUID(), attempt, maxAttempts: 10 });
    await expect(run(1)).rejects.toThrow(/WeChat Pay 500 SYSTEM_ERROR/);
    expect((await transfers.get(payout.id)).state).toBe('pending');
    wx.failNext = 0;
    await run(2);
    await run(3);
    const done = await transfers.get(payout.id);
    expect(done.state).toBe('succeeded');
    expect(wx.transfers.get(payout.id.replace(/-/g, ''))).toMatchObject({ transfer_amount: 100 });
    const attempts = await transfers.attempts(payout.id);
    expect(attempts[0]).toMatchObject({ outcome: 'error' });
    expect(attempts.some((a) => a.outcome === 'succeeded')).toBe(true);
  });
});
