import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ExpireTradeInQuote,
  type GradeFinding,
  ItemGraded,
  ReceivingExceptionRaised,
  TradeInShipmentUpdate,
} from '../../src/core/jobs/job-catalogue.js';
import type { JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { loadReferenceData } from '../support/fixtures.js';
import {
  accounts,
  receiveByScan,
  runPickup,
  shanghaiCourier,
  type HttpUser,
} from '../support/http-journey.js';
import { allPages } from '../support/http-pages.js';
import { loadMarketSales } from '../support/market-sales.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf, productModels } from '../support/reads.js';

const SHANGHAI = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};
/** A fresh IMEI with a valid Luhn check digit. */
function newImei(n: number): string {
  const body = `35${String(Date.now() % 1e6).padStart(6, '0')}${String(n).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = body.charCodeAt(i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

interface OrderBody {
  id: string;
  state: string;
  version: number;
  allowedActions: string[];
  address: { cityCode?: string };
  held: boolean;
  holdReasons: Array<{ code: string; detail?: string }>;
  fraud?: { signals: Array<{ code: string }> };
  quotedTotal: { amountMinor: number; currency: string } | null;
  quoteValidUntil: string | null;
  items: Array<{
    id: string;
    itemId: string;
    traceCode: string;
    state: string;
    version: number;
    allowedActions: string[];
    quote: { amountMinor: number; confidence: number; lines: unknown[]; modelVersion: string };
    finalOffer: { amountMinor: number } | null;
    explanation: {
      differenceMinor: number;
      lines: Array<{
        code: string;
        differenceMinor: number;
        cause: { kind: string; checkId: string | null; rule: string | null };
      }>;
    } | null;
    payout: { amountMinor: number; currency: string; status: string } | null;
    payoutFrozen: boolean;
  }>;
}

describe('acquisition: trade-in orders', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let support: TestUser;
  let admin: TestUser;
  let courier: TestUser;
  let receiver: HttpUser;
  let models: Record<string, string>;
  let imei = 0;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    await loadMarketSales(t, { seed: 7, salesCount: 3000 });
    models = Object.fromEntries((await productModels(t)).map((r) => [r.code, r.id]));
    [owner, stranger, support, admin] = await Promise.all([
      t.user('customer'),
      t.user('customer'),
      t.user('support'),
      t.user('admin'),
    ]);
    // The Shanghai warehouse, where Shanghai's pickups go, and a courier serving Shanghai.
    const warehouseId = await accounts(t, admin).organisation('warehouse', { cityCode: '310100' });
    receiver = await t.user('warehouse', { organisationId: warehouseId });
    courier = await t.user('courier');
    await shanghaiCourier(t, admin, courier);
  }, 120_000);
  afterAll(() => t.close());

  const run = async <P>(def: JobDef<P>, payload: P) => {
    const handler = t.app.get(JobHandlerRegistry).get(def.name);
    if (!handler) throw new Error(`no handler for ${def.name}`);
    await handler.run(payload, { jobId: `test-${Date.now()}`, attempt: 1, maxAttempts: 1 });
  };
  const get = async (id: string, user: TestUser = owner) =>
    (await t.http.get(`/api/v1/trade-ins/${id}`).set(user.auth).expect(200)).body as OrderBody;
  const outbox = (name: string, orderOrItemId: string) =>
    t.dataSource.query<Array<{ payload: Record<string, unknown>; run_at: Date }>>(
      `SELECT payload, run_at FROM outbox WHERE name = $1 AND payload::text LIKE $2 ORDER BY created_at`,
      [name, `%${orderOrItemId}%`],
    );
  const phone = (extra: Record<string, string | undefined> = {}) => ({
    productModelId: models['apple-iphone-15-128'],
    declaredCondition: { condition: 'excellent', powersOn: true },
    imei: newImei(++imei),
    ...extra,
  });

  async function quotedOrder(items: unknown[], user: TestUser = owner): Promise<OrderBody> {
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(user.auth)
      .send({ channel: 'online', address: SHANGHAI, items })
      .expect(201);
    expect(created.body.state).toBe('QUOTING');
    return eventually(async () => {
      const o = await get(created.body.id as string, user);
      return o.state === 'QUOTED' ? o : null;
    });
  }

  /**
   * Accept, then what the courier and the warehouse do: the pickup collected (sealed when the
   * order needs special packaging) and delivered, and every item scanned in at receiving.
   */
  async function acceptedAndReceived(order: OrderBody): Promise<OrderBody> {
    await t.http.post(`/api/v1/trade-ins/${order.id}/accept`).set(owner.auth).send({}).expect(200);
    const pickup = await eventually(async () => {
      const res = await t.http
        .get('/api/v1/pickups')
        .query({ direction: 'inbound' })
        .set(owner.auth)
        .expect(200);
      return (
        res.body.items as Array<{ id: string; source: { id: string }; specialPackaging: boolean }>
      ).find((p) => p.source.id === order.id);
    }, 20_000);
    const sealNumber = pickup.specialPackaging ? `SEAL-${order.id.slice(0, 8)}` : undefined;
    await runPickup(
      t,
      { admin, courier },
      pickup.id,
      order.items.map((i) => i.traceCode),
      sealNumber ? { sealNumber } : {},
    );
    const collected = await eventually(async () => {
      const o = await get(order.id);
      return o.state !== 'ACCEPTED' ? o : null;
    });
    expect(collected.state).toBe('IN_TRANSIT');
    if (sealNumber) await receiveByScan(t, receiver, sealNumber);
    for (const i of order.items) await receiveByScan(t, receiver, i.traceCode);
    const received = await eventually(async () => {
      const o = await get(order.id);
      return o.state !== 'IN_TRANSIT' ? o : null;
    });
    expect(received.state).toBe('INSPECTING');
    return received;
  }

  const graded = (
    itemId: string,
    grade: 'premium' | 'good' | 'scrap',
    findings: GradeFinding[] = [],
    extra: { confirmedBySecondGrader?: boolean; hold?: boolean; inspectionId?: string } = {},
  ) =>
    run(ItemGraded, {
      itemId,
      inspectionId: extra.inspectionId ?? '00000000-0000-4000-8000-0000000000b1',
      grade,
      standardCode: 'phone',
      standardVersion: 1,
      findings,
      hold: extra.hold ?? false,
      confirmedBySecondGrader: extra.confirmedBySecondGrader ?? false,
    });

  it('takes an owner from quote to completion with one payout per item', async () => {
    const order = await quotedOrder([
      phone(),
      {
        productModelId: models['hermes-birkin-30-togo'],
        declaredCondition: { condition: 'like-new' },
        serialNumber: 'BK30-TOGO-0001',
      },
    ]);
    expect(order.allowedActions).toEqual(expect.arrayContaining(['accept', 'cancel']));
    expect(order.quotedTotal?.amountMinor).toBe(
      order.items.reduce((s, i) => s + i.quote.amountMinor, 0),
    );
    for (const it of order.items) {
      expect(Number.isInteger(it.quote.amountMinor)).toBe(true);
      expect(it.quote.amountMinor).toBeGreaterThan(0);
      expect(it.quote.modelVersion).toMatch(/^engine-1\+fit-/);
      expect(it.quote.lines.length).toBeGreaterThan(2);
    }
    // The expiry timer is in the outbox for the end of the validity (7 days).
    const [expiry] = await outbox(ExpireTradeInQuote.name, order.id);
    expect(new Date(expiry.run_at).getTime()).toBe(new Date(order.quoteValidUntil!).getTime());
    expect(new Date(order.quoteValidUntil!).getTime() - Date.now()).toBeGreaterThan(
      6.9 * 86_400_000,
    );
    const items = await Promise.all(order.items.map((i) => itemOf(t, i.itemId)));
    expect(items.map((i) => i.state)).toEqual(['DECLARED', 'DECLARED']);
    expect(items.map((i) => i.erasureStatus).sort()).toEqual(['not_required', 'pending']);

    const received = await acceptedAndReceived(order);
    const [pickup] = await outbox('schedule-pickup', order.id);
    expect(pickup.payload).toMatchObject({
      direction: 'inbound',
      source: { kind: 'trade-in', id: order.id },
      customerId: owner.id,
      specialPackaging: true,
      address: SHANGHAI,
    });
    expect(pickup.payload.itemIds).toEqual(order.items.map((i) => i.itemId));

    for (const it of received.items) await graded(it.itemId, 'premium');
    // Payable at once; the payout job then pays the seller through the provider.
    const done = await eventually(async () => {
      const o = await get(order.id);
      return o.items.every((i) => i.payout?.status === 'paid') ? o : null;
    });
    expect(done.state).toBe('COMPLETED');
    for (const it of done.items) {
      expect(it.state).toBe('ACCEPTED');
      expect(it.finalOffer?.amountMinor).toBe(it.quote.amountMinor);
      expect(it.payout).toEqual({
        id: expect.any(String),
        amountMinor: it.quote.amountMinor,
        currency: 'CNY',
        status: 'paid',
        paidAt: expect.any(String),
        createdAt: expect.any(String),
      });
      expect(await outbox('dispose-item', it.itemId)).toHaveLength(1);
    }
    // The same grading result delivered again changes nothing.
    for (const it of received.items) await graded(it.itemId, 'premium');
    const payouts = await t.dataSource.query('SELECT 1 FROM trade_in_payouts WHERE order_id = $1', [
      order.id,
    ]);
    expect(payouts).toHaveLength(2);
  });

  it('lets the owner reject a low final offer after a second grader confirms; the item goes back free', async () => {
    const order = await acceptedAndReceived(await quotedOrder([phone()]));
    const [it] = order.items;
    await graded(it.itemId, 'scrap');
    let now = await get(order.id);
    expect(now.items[0].state).toBe('SECOND_GRADING');
    expect(now.state).toBe('INSPECTING');
    const [second] = await outbox('second-grading-requested', it.itemId);
    expect(second.payload).toMatchObject({ itemId: it.itemId, quotedMinor: it.quote.amountMinor });

    await graded(it.itemId, 'scrap', [], {
      confirmedBySecondGrader: true,
      inspectionId: '00000000-0000-4000-8000-0000000000b2',
    });
    now = await get(order.id);
    expect(now.state).toBe('OFFER_PENDING');
    const offer = now.items[0];
    expect(offer.state).toBe('OFFER_PENDING');
    expect(offer.allowedActions.sort()).toEqual(['accept-offer', 'reject-offer']);
    expect(offer.explanation?.differenceMinor).toBe(
      offer.finalOffer!.amountMinor - offer.quote.amountMinor,
    );
    expect(offer.explanation?.lines[0].cause.kind).toBe('inspection-grade');
    // Support sees the same order and explanation, but may not act on money.
    const seen = await get(order.id, support);
    expect(seen.items[0].explanation).toEqual(offer.explanation);
    expect(seen.items[0].allowedActions).toEqual([]);
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/items/${offer.id}/reject-offer`)
      .set(support.auth)
      .send({})
      .expect(403);

    await t.http
      .post(`/api/v1/trade-ins/${order.id}/items/${offer.id}/reject-offer`)
      .set(owner.auth)
      .send({ version: offer.version })
      .expect(200);
    now = await get(order.id);
    expect(now.state).toBe('RETURNING');
    expect(now.items[0].payout).toBeNull();
    const item = await itemOf(t, it.itemId);
    expect(item.state).toBe('RETURNING_TO_OWNER');
    const [ret] = (await outbox('schedule-pickup', order.id)).filter(
      (r) => r.payload.direction === 'return-to-owner',
    );
    expect(ret.payload).toMatchObject({
      itemIds: [it.itemId],
      address: SHANGHAI,
      customerId: owner.id,
    });

    await run(TradeInShipmentUpdate, {
      pickupId: '00000000-0000-4000-8000-00000000a002',
      source: { kind: 'trade-in', id: order.id },
      direction: 'return-to-owner',
      event: 'delivered',
      itemIds: [it.itemId],
      sealNumber: null,
      warehouseId: null,
      promisedWindow: null,
      reason: null,
      at: new Date().toISOString(),
    });
    now = await get(order.id);
    expect(now.state).toBe('RETURNED');
    expect(now.items[0].state).toBe('RETURNED');
    const back = await itemOf(t, it.itemId);
    expect(back.state).toBe('RETURNED_TO_OWNER');
    expect(await outbox('dispose-item', it.itemId)).toHaveLength(0);
  });

  it('ties every yuan of a lower final offer to a check and a rule, summing exactly to the difference', async () => {
    const order = await acceptedAndReceived(await quotedOrder([phone()]));
    const [it] = order.items;
    const findings: GradeFinding[] = [
      {
        checkId: 'battery-health',
        label: 'Battery health',
        answer: 76,
        severity: 'functional',
        rule: 'phone.battery.worn',
        ruleGrade: 'good',
      },
      {
        checkId: 'body-dents',
        label: 'Dents on the frame',
        answer: true,
        severity: 'cosmetic',
        rule: 'phone.body.dented',
        ruleGrade: 'good',
      },
      {
        checkId: 'screen-scratches',
        label: 'Screen scratches',
        answer: 'light',
        severity: 'cosmetic',
        rule: 'phone.screen.light-scratch',
        ruleGrade: 'premium',
        deductionShare: 0.05,
      },
      { checkId: 'face-id', label: 'Face ID', answer: true, severity: 'none', rule: null },
    ];
    await graded(it.itemId, 'good', findings, { confirmedBySecondGrader: true });
    const offer = (await get(order.id)).items[0];
    const explanation = offer.explanation!;
    expect(offer.finalOffer!.amountMinor).toBeLessThan(offer.quote.amountMinor);
    expect(explanation.differenceMinor).toBe(
      offer.finalOffer!.amountMinor - offer.quote.amountMinor,
    );
    expect(explanation.lines.reduce((sum, l) => sum + l.differenceMinor, 0)).toBe(
      explanation.differenceMinor,
    );
    // Every line but the rounding of the final figure names its check and its rule.
    for (const line of explanation.lines.filter((l) => l.cause.kind !== 'rounding')) {
      expect(line.cause).toMatchObject({ checkId: expect.any(String), rule: expect.any(String) });
    }
    // The grade drop is shared by the two findings whose rule gave "good", not the scratches.
    const gradeDrop = explanation.lines.filter((l) => l.code === 'grade');
    expect(gradeDrop.map((l) => [l.cause.checkId, l.cause.rule])).toEqual([
      ['battery-health', 'phone.battery.worn'],
      ['body-dents', 'phone.body.dented'],
    ]);
    expect(
      Math.abs(gradeDrop[0].differenceMinor - gradeDrop[1].differenceMinor),
    ).toBeLessThanOrEqual(1);
    expect(gradeDrop.every((l) => l.differenceMinor < 0)).toBe(true);
    const scratches = explanation.lines.find((l) => l.code === 'defect:screen-scratches');
    expect(scratches?.cause).toMatchObject({
      kind: 'inspection-check',
      checkId: 'screen-scratches',
      rule: 'phone.screen.light-scratch',
    });
    const rounding = explanation.lines.filter((l) => l.cause.kind === 'rounding');
    expect(rounding.reduce((sum, l) => sum + Math.abs(l.differenceMinor), 0)).toBeLessThan(10_000);
  });

  it('creates one payout when the owner accepts an offer twice (Idempotency-Key, plain retry, concurrent)', async () => {
    const order = await acceptedAndReceived(await quotedOrder([phone()]));
    const [it] = order.items;
    const findings: GradeFinding[] = [
      {
        checkId: 'screen-scratches',
        label: 'Screen scratches',
        answer: 'deep',
        severity: 'cosmetic',
        rule: 'phone.screen.deep-scratch',
        deductionShare: 0.15,
      },
    ];
    await graded(it.itemId, 'premium', findings);
    const pending = (await get(order.id)).items[0];
    expect(pending.state).toBe('OFFER_PENDING');
    const screen = pending.explanation!.lines.find((l) => l.code === 'defect:screen-scratches');
    expect(screen?.cause).toMatchObject({
      kind: 'inspection-check',
      checkId: 'screen-scratches',
      rule: 'phone.screen.deep-scratch',
    });
    expect(screen!.differenceMinor).toBeLessThan(0);

    const url = `/api/v1/trade-ins/${order.id}/items/${pending.id}/accept-offer`;
    const key = { 'Idempotency-Key': `accept-${pending.id}` };
    const first = await t.http.post(url).set(owner.auth).set(key).send({}).expect(200);
    const replay = await t.http.post(url).set(owner.auth).set(key).send({}).expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const retry = await t.http.post(url).set(owner.auth).send({}).expect(409);
    expect(retry.body).toMatchObject({ state: 'ACCEPTED' });
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => t.http.post(url).set(owner.auth).send({})),
    );
    expect(concurrent.map((r) => r.status)).toEqual([409, 409, 409]);

    const done = await get(order.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.items[0].payout?.amountMinor).toBe(pending.finalOffer!.amountMinor);
    const payouts = await t.dataSource.query('SELECT 1 FROM trade_in_payouts WHERE order_id = $1', [
      order.id,
    ]);
    expect(payouts).toHaveLength(1);
    expect(await outbox('dispose-item', it.itemId)).toHaveLength(1);
  });

  it('accepts a quote once under an Idempotency-Key and asks for one pickup', async () => {
    const order = await quotedOrder([phone()]);
    const key = { 'Idempotency-Key': `accept-order-${order.id}` };
    const url = `/api/v1/trade-ins/${order.id}/accept`;
    await t.http.post(url).set(owner.auth).set(key).send({ version: order.version }).expect(200);
    await t.http.post(url).set(owner.auth).set(key).send({ version: order.version }).expect(200);
    expect(await outbox('schedule-pickup', order.id)).toHaveLength(1);
    // Cancelling before collection is allowed; the items leave the journey.
    await t.http.post(`/api/v1/trade-ins/${order.id}/cancel`).set(owner.auth).send({}).expect(200);
    const item = await itemOf(t, order.items[0].itemId);
    expect(item.state).toBe('CANCELLED');
    // …and the courier is called off.
    expect(await outbox('cancel-pickup', order.id)).toHaveLength(1);
  });

  it('takes a store trade-in over the counter: no pickup, the store holds the items', async () => {
    const storeOrg = await t.organisation('store');
    const clerk = await t.user('warehouse', { organisationId: storeOrg });
    const otherClerk = await t.user('warehouse', { organisationId: await t.organisation('store') });
    const adminUser = await t.user('admin');
    const store = await t.http
      .post('/api/v1/drop-off-stores')
      .set(adminUser.auth)
      .send({
        code: `store-test-${storeOrg.slice(0, 8)}`,
        name: 'Test counter',
        cityCode: '310100',
        districtCode: '310104',
        address: 'No. 2 Hongqiao Rd',
        organisationId: storeOrg,
      })
      .expect(201);
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(owner.auth)
      .send({ channel: 'store', storeId: store.body.id, items: [phone()] })
      .expect(201);
    const order = await eventually(async () => {
      const o = await get(created.body.id as string);
      return o.state === 'QUOTED' ? o : null;
    });
    await t.http.post(`/api/v1/trade-ins/${order.id}/accept`).set(owner.auth).send({}).expect(200);
    expect(await outbox('schedule-pickup', order.id)).toHaveLength(0);
    // Only the chosen store's staff take the items in.
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/drop-off`)
      .set(otherClerk.auth)
      .send({})
      .expect(404);
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/drop-off`)
      .set(clerk.auth)
      .send({})
      .expect(200);
    expect((await get(order.id)).state).toBe('IN_TRANSIT');
    const item = await itemOf(t, order.items[0].itemId);
    expect(item).toMatchObject({
      state: 'IN_TRANSIT',
      custodianKind: 'store',
      custodianId: storeOrg,
    });
  });

  it('refuses an address outside coverage, naming the nearest drop-off store', async () => {
    const res = await t.http
      .post('/api/v1/trade-ins')
      .set(owner.auth)
      .send({
        channel: 'online',
        address: { ...SHANGHAI, cityCode: '320200', districtCode: '320213' },
        items: [phone()],
      })
      .expect(400);
    expect(res.body.reason).toBeDefined();
    expect(res.body.nearestStore).toMatchObject({ name: expect.any(String) });
    expect(res.body.message).toContain(res.body.nearestStore.name as string);
    // No order was made: none of the owner's orders has that address.
    const orders = await allPages<{ id: string }>(t, owner, '/api/v1/trade-ins');
    const addresses = await Promise.all(orders.map(async (o) => (await get(o.id)).address));
    const none = addresses.filter((a) => a.cityCode === '320200');
    expect(none).toHaveLength(0);
  });

  it('validates the order (1–20 items, a model or a category, known references)', async () => {
    const post = (body: object) => t.http.post('/api/v1/trade-ins').set(owner.auth).send(body);
    await post({ channel: 'online', address: SHANGHAI, items: [] }).expect(400);
    await post({
      channel: 'online',
      address: SHANGHAI,
      items: Array.from({ length: 21 }, () => phone()),
    }).expect(400);
    await post({
      channel: 'online',
      address: SHANGHAI,
      items: [{ declaredCondition: { condition: 'good' } }],
    }).expect(400);
    const unknown = await post({
      channel: 'online',
      address: SHANGHAI,
      items: [phone({ productModelId: '00000000-0000-4000-8000-000000000000' })],
    }).expect(400);
    expect(unknown.body.fields[0].field).toBe('items.0.productModelId');
    await t.http
      .post('/api/v1/trade-ins')
      .set(support.auth)
      .send({ channel: 'online', address: SHANGHAI, items: [phone()] })
      .expect(403);
  });

  it('flags the same IMEI in two live orders and holds both for review; a blocklisted serial too', async () => {
    const dup = phone();
    const first = await quotedOrder([dup]);
    expect(first.held).toBe(false);
    const spaced = `${dup.imei.slice(0, 2)}-${dup.imei.slice(2, 8)} ${dup.imei.slice(8)}`;
    const second = await quotedOrder([{ ...dup, imei: spaced }], stranger);
    expect(second.held).toBe(true);
    expect(second.holdReasons).toEqual([{ code: 'duplicate-identifier' }]); // no details for owners
    expect(second.fraud).toBeUndefined();
    const staffView = await get(second.id, support);
    expect(staffView.fraud?.signals.map((s) => s.code)).toContain('duplicate-identifier');
    expect((await get(first.id)).held).toBe(true);
    // The price is not touched, the confidence is.
    expect(second.items[0].quote.amountMinor).toBe(first.items[0].quote.amountMinor);
    expect(second.items[0].quote.confidence).toBeLessThan(first.items[0].quote.confidence);

    const blocked = await t.http
      .post(`/api/v1/trade-ins/${second.id}/accept`)
      .set(stranger.auth)
      .send({})
      .expect(409);
    expect(blocked.body.message).toContain('held for review');
    const listed = await t.http.get('/api/v1/trade-ins?held=true').set(support.auth).expect(200);
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual(
      expect.arrayContaining([first.id, second.id]),
    );
    await t.http
      .post(`/api/v1/trade-ins/${first.id}/release-hold`)
      .set(stranger.auth)
      .send({ note: 'x' })
      .expect(403);
    // Releasing lets payouts go ahead: money, which support does not move (issue 18).
    await t.http
      .post(`/api/v1/trade-ins/${first.id}/release-hold`)
      .set(support.auth)
      .send({ note: 'receipt checked' })
      .expect(403);
    const heldFirst = await get(first.id, admin);
    await t.http
      .post(`/api/v1/trade-ins/${first.id}/release-hold`)
      .set(admin.auth)
      .send({ note: 'receipt checked', version: heldFirst.version - 1 })
      .expect(409);
    const released = await t.http
      .post(`/api/v1/trade-ins/${first.id}/release-hold`)
      .set(admin.auth)
      .send({ note: 'receipt checked', version: heldFirst.version })
      .expect(200);
    // The flag moves through the order's self-loops: a version each, the state kept.
    expect(released.body).toMatchObject({
      held: false,
      state: 'QUOTED',
      version: heldFirst.version + 1,
    });
    const again = await t.http
      .post(`/api/v1/trade-ins/${first.id}/release-hold`)
      .set(admin.auth)
      .send({ note: 'twice' })
      .expect(409);
    expect(again.body.message).toContain('the order is not held');
    // The core wrote both steps to the item's history.
    const timeline = await t.http
      .get(`/api/v1/items/${first.items[0].itemId}/timeline`)
      .set(support.auth)
      .expect(200);
    const steps = (
      timeline.body.events as Array<{ type: string; fromState: string; toState: string }>
    ).filter((e) => e.type === 'TradeInOrder.hold' || e.type === 'TradeInOrder.release-hold');
    expect(steps).toEqual([
      expect.objectContaining({
        type: 'TradeInOrder.hold',
        fromState: 'QUOTED',
        toState: 'QUOTED',
      }),
      expect.objectContaining({
        type: 'TradeInOrder.release-hold',
        fromState: 'QUOTED',
        toState: 'QUOTED',
        data: expect.objectContaining({
          note: 'receipt checked',
          reasons: ['duplicate-identifier'],
        }),
      }),
    ]);
    await t.http.post(`/api/v1/trade-ins/${first.id}/accept`).set(owner.auth).send({}).expect(200);

    await t.http
      .post('/api/v1/identifier-blocklist')
      .set(support.auth)
      .send({ identifier: 'STOLEN-77' })
      .expect(403);
    await t.http
      .post('/api/v1/identifier-blocklist')
      .set(admin.auth)
      .send({ identifier: 'stolen 77', reason: 'reported stolen' })
      .expect(201);
    const stolen = await quotedOrder([{ ...phone(), imei: undefined, serialNumber: 'STOLEN-77' }]);
    expect(stolen.held).toBe(true);
    expect(stolen.holdReasons[0].code).toBe('blocklisted-identifier');
  });

  it('shows owners only their own orders; support reads all', async () => {
    const order = await quotedOrder([phone()]);
    await t.http.get(`/api/v1/trade-ins/${order.id}`).set(stranger.auth).expect(404);
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/accept`)
      .set(stranger.auth)
      .send({})
      .expect(404);
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/cancel`)
      .set(support.auth)
      .send({})
      .expect(403);
    const courier = await t.user('courier');
    await t.http.get(`/api/v1/trade-ins/${order.id}`).set(courier.auth).expect(404);
    const mine = await t.http.get('/api/v1/trade-ins?limit=200').set(stranger.auth).expect(200);
    expect(mine.body.items.every((o: { customerId: string }) => o.customerId === stranger.id)).toBe(
      true,
    );
    const all = await t.http
      .get('/api/v1/trade-ins?state=QUOTED&limit=1')
      .set(support.auth)
      .expect(200);
    expect(all.body.items).toHaveLength(1);
    expect(all.body.nextCursor).toEqual(expect.any(String));
  });

  it('freezes the payout of an item with a receiving exception', async () => {
    const order = await acceptedAndReceived(await quotedOrder([phone()]));
    const [it] = order.items;
    await run(ReceivingExceptionRaised, {
      exceptionId: '00000000-0000-4000-8000-0000000000e1',
      kind: 'broken-seal',
      itemId: it.itemId,
      parcelId: '00000000-0000-4000-8000-0000000000e2',
      warehouseId: admin.id,
      detail: 'seal torn',
    });
    await graded(it.itemId, 'premium');
    const done = await get(order.id);
    expect(done.state).toBe('COMPLETED');
    expect(done.items[0].payoutFrozen).toBe(true);
    expect(done.items[0].payout?.status).toBe('frozen');
    // Nothing was paid while frozen: the payout transfer waits, held.
    const held = (
      await allPages<{ key: string; state: string }>(t, admin, '/api/v1/transfers', {
        kind: 'payout',
      })
    ).find((x) => x.key === `trade-in-payout:${it.id}`);
    expect(held?.state ?? 'pending').toMatch(/^(pending|held)$/);
    const cleared = (
      await t.http
        .post(`/api/v1/trade-ins/${order.id}/items/${it.id}/unfreeze-payout`)
        .set(admin.auth)
        .send({ note: 'seal checked on video' })
        .expect(200)
    ).body as OrderBody;
    expect(cleared.items[0].payout?.status).toMatch(/^(payable|paid)$/);
    expect(cleared.items[0].payoutFrozen).toBe(false);
    await t.http
      .post(`/api/v1/trade-ins/${order.id}/items/${it.id}/unfreeze-payout`)
      .set(admin.auth)
      .send({ note: 'twice' })
      .expect(409);
    const timeline = await t.http
      .get(`/api/v1/items/${it.itemId}/timeline`)
      .set(support.auth)
      .expect(200);
    const types = (timeline.body.events as Array<{ type: string }>).map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['TradeInItem.freeze-payout', 'TradeInItem.unfreeze-payout']),
    );
    const paid = await eventually(async () => {
      const o = await get(order.id);
      return o.items[0].payout?.status === 'paid' ? o : null;
    });
    expect(paid.items[0].payout?.amountMinor).toBe(done.items[0].payout?.amountMinor);
  });
});
