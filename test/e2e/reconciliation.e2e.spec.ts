import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ReconcileStatements } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { QueueService } from '../../src/core/jobs/queue.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { RECONCILIATION_SCHEDULER_ID } from '../../src/money/reconciliation/reconciliation-schedule.service.js';
import {
  accounts,
  type HttpUser,
  listItem,
  loadReferenceData,
  SHANGHAI,
  tradeInPhones,
} from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';
import { type TradeBillRow, writeTradeBill } from '../support/wechat-trade-bill.js';
import { WeChatPayStandIn } from '../support/wechatpay-standin.js';

jest.setTimeout(300_000);

const DAY = 86_400_000;
const chinaDay = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

interface Run {
  id: string;
  day: string;
  source: string;
  trigger: string;
  statementLines: number;
  counts: { matched: number; missingOurs: number; missingTheirs: number; amountMismatch: number };
}
interface Line {
  status: string;
  kind: string;
  ourRef: string;
  theirAmountMinor: number | null;
  ourAmountMinor: number | null;
  caseKey: string | null;
  record: { kind: string; id: string } | null;
  note: string | null;
}

/**
 * Issue 23, point 5: the day's WeChat Pay trade bill — fetched from a local stand-in that
 * publishes it in WeChat Pay's format, or uploaded — matched line by line against the ledger.
 * Three paid orders and one refund make the day; a statement missing one line and with one
 * line's amount wrong opens exactly two mismatch cases, and running the day again opens none.
 */
describe('money: daily reconciliation against the WeChat Pay trade bill', () => {
  let wx: WeChatPayStandIn;
  let t: TestApp;
  let admin: HttpUser;
  let support: HttpUser;
  let merchant: HttpUser;
  let buyer: HttpUser;
  /** The day reconciled: the orders below are moved to it (the ledger as of the next morning). */
  let day: string;
  const orders: Array<{ id: string; outTradeNo: string; price: number }> = [];
  let refundNo: string;

  const reconcile = (body: Record<string, unknown>, who: HttpUser = admin) =>
    t.http.post('/api/v1/reconciliations').set(who.auth).send(body);
  const lines = async (runId: string) =>
    (
      await t.http
        .get(`/api/v1/reconciliations/${runId}/lines?limit=200`)
        .set(admin.auth)
        .expect(200)
    ).body.items as Line[];
  /** Once every support-case job written so far has run: the cases of reconciliation. */
  const mismatchCases = async () => {
    await eventually(async () => {
      const [row] = await t.dataSource.query<Array<{ open: number }>>(
        `SELECT count(*)::int AS open FROM outbox
          WHERE name = 'open-support-case' AND completed_at IS NULL`,
      );
      return row.open === 0;
    }, 20_000);
    const res = await t.http
      .get('/api/v1/support/cases?kind=reconciliation-mismatch&limit=100')
      .set(admin.auth)
      .expect(200);
    return res.body.items as Array<{
      summary: string;
      dedupeKey: string;
      detail: Record<string, unknown>;
      orderRef: { kind: string; id: string } | null;
    }>;
  };
  const order = async (id: string) =>
    (await t.http.get(`/api/v1/sale-orders/${id}`).set(buyer.auth).expect(200)).body as {
      state: string;
      refund: { status: string } | null;
    };

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
    let seller: HttpUser, courier: HttpUser, grader: HttpUser;
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
    const { phones } = await tradeInPhones(
      t,
      { admin, owner: seller, courier, grader },
      { count: 3, answers: idealAnswers(PHONE_STANDARD) },
    );
    // Three phones sold through WeChat Pay: each order paid by a signed notification.
    for (const phone of phones) {
      const listing = await listItem(t, merchant, phone.itemId);
      const created = await t.http
        .post('/api/v1/sale-orders')
        .set(buyer.auth)
        .send({ listingId: listing.id, shippingAddress: SHANGHAI })
        .expect(201);
      const id = created.body.id as string;
      const intent = await t.http
        .post(`/api/v1/sale-orders/${id}/pay`)
        .set(buyer.auth)
        .send({})
        .expect(200);
      const outTradeNo = intent.body.intentId as string;
      const n = wx.paymentNotification(outTradeNo);
      await t.http
        .post('/api/v1/webhooks/inbound/wechatpay')
        .set('content-type', 'application/json')
        .set(n.headers)
        .send(n.body)
        .expect(200);
      expect((await order(id)).state).toBe('PAID');
      orders.push({ id, outTradeNo, price: listing.priceMinor });
    }
    // The third is cancelled after payment: refunded in full through WeChat Pay.
    await t.http
      .post(`/api/v1/sale-orders/${orders[2].id}/cancel`)
      .set(buyer.auth)
      .send({})
      .expect(200);
    await eventually(
      async () => (await order(orders[2].id)).refund?.status === 'succeeded',
      20_000,
    );
    refundNo = [...wx.refunds.keys()][0];

    // The next morning: what happened today is yesterday's, at WeChat Pay and in our ledger
    // (the append-only guard is lifted for this move only).
    for (const o of wx.orders.values()) if (o.paidAt) o.paidAt = new Date(o.paidAt.getTime() - DAY);
    for (const r of wx.refunds.values())
      r.create_time = new Date(Date.parse(String(r.create_time)) - DAY).toISOString();
    await t.dataSource.transaction(async (m) => {
      await m.query('ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update_delete');
      await m.query(`UPDATE ledger_entries SET posted_at = posted_at - interval '1 day'`);
      await m.query('ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_no_update_delete');
    });
    day = chinaDay(wx.orders.get(orders[0].outTradeNo)!.paidAt!.getTime());
  }, 280_000);
  afterAll(async () => {
    await t?.close();
    await wx?.stop();
  });

  it('matches the day fetched from WeChat Pay: three payments and a refund, no case', async () => {
    const bill = wx.publishBill(day);
    expect(bill.split('\r\n')[0]).toMatch(/^交易时间,公众账号ID,商户号,/);
    expect(bill).toContain(`\`${orders[0].outTradeNo},`);
    const res = await reconcile({ day }).expect(201);
    const run = res.body as Run;
    expect(run).toMatchObject({
      day,
      source: 'provider',
      trigger: 'admin',
      statementLines: 4,
      counts: { matched: 4, missingOurs: 0, missingTheirs: 0, amountMismatch: 0 },
    });
    const report = await lines(run.id);
    expect(report.map((l) => [l.kind, l.ourRef, l.status])).toEqual(
      expect.arrayContaining([
        ['payment', orders[0].outTradeNo, 'matched'],
        ['payment', orders[1].outTradeNo, 'matched'],
        ['payment', orders[2].outTradeNo, 'matched'],
        ['refund', refundNo, 'matched'],
      ]),
    );
    expect(report.find((l) => l.kind === 'refund')).toMatchObject({
      theirAmountMinor: orders[2].price,
      ourAmountMinor: orders[2].price,
      record: { kind: 'sale-order', id: orders[2].id },
    });
    // Every request to WeChat Pay was signed, the bill's download included.
    expect(wx.requests.filter((r) => r.path.startsWith('/v3/bill'))).toHaveLength(2);
    expect(wx.requests.every((r) => r.signed)).toBe(true);
    expect(await mismatchCases()).toEqual([]);
  });

  it('opens exactly two cases for a statement with one line missing and one wrong, and none on a re-run', async () => {
    const [a, b] = orders;
    const rows = wx
      .tradeBillRows(day)
      .filter((r) => r.outTradeNo !== b.outTradeNo || r.kind !== 'payment')
      .map((r) =>
        r.kind === 'payment' && r.outTradeNo === a.outTradeNo
          ? { ...r, amountMinor: r.amountMinor - 100 }
          : r,
      );
    const content = writeTradeBill(rows, { mchId: wx.mchId });
    const first = (await reconcile({ day, content }).expect(201)).body as Run;
    expect(first).toMatchObject({
      source: 'upload',
      statementLines: 3,
      counts: { matched: 2, missingOurs: 0, missingTheirs: 1, amountMismatch: 1 },
    });
    const report = await lines(first.id);
    expect(report.find((l) => l.ourRef === a.outTradeNo)).toMatchObject({
      status: 'amount-mismatch',
      theirAmountMinor: a.price - 100,
      ourAmountMinor: a.price,
      caseKey: `reconciliation:wechatpay:payment:${a.outTradeNo}`,
    });
    expect(report.find((l) => l.ourRef === b.outTradeNo)).toMatchObject({
      status: 'missing-theirs',
      theirAmountMinor: null,
      ourAmountMinor: b.price,
    });
    const mismatches = await t.http
      .get(`/api/v1/reconciliations/${first.id}/lines?status=amount-mismatch`)
      .set(support.auth)
      .expect(200);
    expect(mismatches.body.items).toHaveLength(1);

    const cases = await mismatchCases();
    expect(cases).toHaveLength(2);
    expect(cases.map((c) => c.dedupeKey).sort()).toEqual(
      [
        `reconciliation:wechatpay:payment:${a.outTradeNo}`,
        `reconciliation:wechatpay:payment:${b.outTradeNo}`,
      ].sort(),
    );
    const wrong = cases.find((c) => c.dedupeKey.endsWith(a.outTradeNo))!;
    expect(wrong.summary).toContain(`is ${a.price - 100} CNY at the provider, ${a.price} CNY`);
    expect(wrong.orderRef).toEqual({ kind: 'sale-order', id: a.id });
    expect(wrong.detail).toMatchObject({ day, status: 'amount-mismatch', runId: first.id });

    // The same day again — uploaded, then the same statement fetched: no case more.
    await reconcile({ day, content }).expect(201);
    wx.publishBill(day, rows);
    const fetched = (await reconcile({ day }).expect(201)).body as Run;
    expect(fetched.counts).toEqual(first.counts);
    expect(await mismatchCases()).toHaveLength(2);
    const runs = await t.http
      .get(`/api/v1/reconciliations?day=${day}&limit=2`)
      .set(admin.auth)
      .expect(200);
    expect(runs.body.items[0].id).toBe(fetched.id);
    expect(runs.body.nextCursor).toEqual(expect.any(String));
  });

  it('reports a line WeChat Pay has and our ledger has not as missing on our side', async () => {
    const earlier = chinaDay(Date.parse(`${day}T12:00:00+08:00`) - DAY);
    const stranger: TradeBillRow = {
      kind: 'payment',
      time: `${earlier} 21:30:00`,
      outTradeNo: randomUUID().replace(/-/g, ''),
      transactionId: '4200000999202605010000000999',
      amountMinor: 12_300,
    };
    const run = (await reconcile({ day: earlier, content: writeTradeBill([stranger]) }).expect(201))
      .body as Run;
    expect(run.counts).toEqual({ matched: 0, missingOurs: 1, missingTheirs: 0, amountMismatch: 0 });
    const [line] = await lines(run.id);
    expect(line).toMatchObject({
      status: 'missing-ours',
      ourRef: stranger.outTradeNo,
      theirAmountMinor: 12_300,
      ourAmountMinor: null,
    });
    const cases = await mismatchCases();
    expect(cases).toHaveLength(3);
    expect(cases.find((c) => c.dedupeKey.endsWith(stranger.outTradeNo))?.summary).toMatch(
      /is not in our ledger/,
    );
  });

  it('refuses what is not the day’s statement, and what WeChat Pay cannot give yet', async () => {
    const bill = writeTradeBill(wx.tradeBillRows(day), { mchId: wx.mchId });
    // The file of another day, a cut one, another merchant's, and a day not over yet.
    const other = chinaDay(Date.parse(`${day}T12:00:00+08:00`) - 2 * DAY);
    expect((await reconcile({ day: other, content: bill }).expect(400)).body.message).toMatch(
      /it holds a line of .* so it is not the statement of/,
    );
    expect(
      (await reconcile({ day, content: bill.split('\r\n').slice(0, 3).join('\r\n') }).expect(400))
        .body.message,
    ).toMatch(/wechatpay statement refused/);
    await reconcile({
      day,
      content: writeTradeBill(wx.tradeBillRows(day), { mchId: '1230000109' }),
    }).expect(400);
    await reconcile({ day: chinaDay(Date.now()) }).expect(400);
    await reconcile({ day: '2026-02-30' }).expect(400);
    await reconcile({ day, provider: 'test-pay' }).expect(400);
    await reconcile({ day, provider: 'alipay' }).expect(400);
    // Only admins reconcile; support reads.
    await reconcile({ day }, support).expect(403);
    await reconcile({ day }, merchant).expect(403);
    await t.http.get('/api/v1/reconciliations').set(merchant.auth).expect(403);
    await t.http.get(`/api/v1/reconciliations/${randomUUID()}`).set(admin.auth).expect(404);

    // Still being made at WeChat Pay, and a download that does not match its SHA1: 503.
    const before = (await t.http.get('/api/v1/reconciliations').set(admin.auth)).body.items.length;
    wx.billsCreating.add(day);
    expect((await reconcile({ day }).expect(503)).body.message).toMatch(/still making/);
    wx.billsCreating.delete(day);
    wx.corruptNextDownload = true;
    expect((await reconcile({ day }).expect(503)).body.message).toMatch(/does not match its SHA1/);
    const after = (await t.http.get('/api/v1/reconciliations').set(admin.auth)).body.items.length;
    expect(after).toBe(before);
  });

  it('runs daily for yesterday (China time) as a scheduled job, once per day', async () => {
    const queue = t.app.get(QueueService).queue(ReconcileStatements.queue);
    const scheduler = await eventually(() => queue.getJobScheduler(RECONCILIATION_SCHEDULER_ID));
    expect(scheduler).toMatchObject({ pattern: '30 10 * * *', tz: 'Asia/Shanghai' });

    const run = () =>
      t.app
        .get(JobHandlerRegistry)
        .get(ReconcileStatements.name)!
        .run(
          { provider: null, day: null, trigger: 'scheduled' },
          { jobId: randomUUID(), attempt: 1, maxAttempts: 6 },
        );
    const yesterday = chinaDay(Date.now() - DAY);
    if (yesterday !== day) wx.publishBill(yesterday);
    await run();
    await run(); // a retried job does not reconcile the day again
    const runs = await t.http
      .get(`/api/v1/reconciliations?day=${yesterday}`)
      .set(admin.auth)
      .expect(200);
    const scheduled = (runs.body.items as Run[]).filter((r) => r.trigger === 'scheduled');
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ source: 'provider', day: yesterday });
    expect(await mismatchCases()).toHaveLength(3);
  });

  it('matches a payment WeChat Pay billed the day before and notified us after midnight', async () => {
    const [a] = orders;
    const earlier = chinaDay(Date.parse(`${day}T12:00:00+08:00`) - DAY);
    const [paidA] = wx
      .tradeBillRows(day)
      .filter((r) => r.kind === 'payment' && r.outTradeNo === a.outTradeNo);
    const stranger = (
      await lines(
        (await t.http.get(`/api/v1/reconciliations?day=${earlier}`).set(admin.auth)).body.items[0]
          .id,
      )
    )[0];
    // Their bill of the day before has A (paid at 23:59:58); ours posted it on the day.
    const before = (
      await reconcile({
        day: earlier,
        content: writeTradeBill([
          {
            kind: 'payment',
            time: `${earlier} 21:30:00`,
            outTradeNo: stranger.ourRef,
            transactionId: '4200000999202605010000000999',
            amountMinor: 12_300,
          },
          { ...paidA, time: `${earlier} 23:59:58` },
        ]),
      }).expect(201)
    ).body as Run;
    expect(before.counts).toMatchObject({ matched: 1, missingOurs: 1 });
    const rest = wx
      .tradeBillRows(day)
      .filter((r) => !(r.kind === 'payment' && r.outTradeNo === a.outTradeNo));
    const run = (await reconcile({ day, content: writeTradeBill(rest) }).expect(201)).body as Run;
    expect(run.counts).toEqual({ matched: 4, missingOurs: 0, missingTheirs: 0, amountMismatch: 0 });
    expect((await lines(run.id)).find((l) => l.ourRef === a.outTradeNo)).toMatchObject({
      status: 'matched',
      note: `on the statement of ${earlier}`,
    });
    expect(await mismatchCases()).toHaveLength(3);
  });
});
