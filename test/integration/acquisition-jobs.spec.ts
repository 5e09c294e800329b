// Moved from test/e2e/acquisition.e2e.spec.ts (issue 20 point 5): these tests force an order's
// state in SQL (an order cancelled before the shared lock existed, a quote past its validity),
// move an item through the item machine and deliver acquisition's jobs (ItemReceived,
// ExpireTradeInQuote) to their handlers twice, so their subject is the job handlers, not the
// HTTP surface. The HTTP calls they make (quote, accept, cancel) and their reads stay as they
// were.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ExpireTradeInQuote, ItemReceived } from '../../src/core/jobs/job-catalogue.js';
import type { JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { loadReferenceData } from '../support/fixtures.js';
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
  let admin: TestUser;
  let models: Record<string, string>;
  let imei = 0;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    await loadMarketSales(t, { seed: 7, salesCount: 3000 });
    models = Object.fromEntries((await productModels(t)).map((r) => [r.code, r.id]));
    [owner, admin] = await Promise.all([t.user('customer'), t.user('admin')]);
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

  it('sends back, not drops, items that arrive for an order cancelled after they were collected', async () => {
    const order = await quotedOrder([phone()]);
    await t.http.post(`/api/v1/trade-ins/${order.id}/accept`).set(owner.auth).send({}).expect(200);
    const [it] = order.items;
    const transitions = t.app.get(TransitionService);
    await transitions.apply(ItemMachine, { id: it.itemId, action: 'collect', actor: SYSTEM_ACTOR });
    // Collected: the owner's cancel is refused now (the courier's collect took the same lock).
    const refused = await t.http
      .post(`/api/v1/trade-ins/${order.id}/cancel`)
      .set(owner.auth)
      .send({})
      .expect(409);
    expect(refused.body.message).toContain('collected');
    // An order cancelled this way before the shared lock existed (the state is forced here).
    await t.dataSource.query(`UPDATE trade_in_orders SET state = 'CANCELLED' WHERE id = $1`, [
      order.id,
    ]);
    await transitions.apply(ItemMachine, { id: it.itemId, action: 'receive', actor: SYSTEM_ACTOR });
    await run(ItemReceived, { itemId: it.itemId, warehouseId: admin.id, parcelId: null });
    await run(ItemReceived, { itemId: it.itemId, warehouseId: admin.id, parcelId: null });
    const item = await itemOf(t, it.itemId);
    expect(item.state).toBe('RETURNING_TO_OWNER');
    const returns = (await outbox('schedule-pickup', order.id)).filter(
      (r) => r.payload.direction === 'return-to-owner',
    );
    expect(returns).toHaveLength(1);
    expect(returns[0].payload).toMatchObject({ itemIds: [it.itemId], address: SHANGHAI });
    const cases = await outbox('open-support-case', order.id);
    expect(cases).toHaveLength(1);
    expect(cases[0].payload).toMatchObject({ itemIds: [it.itemId], kind: 'receiving-exception' });
  });

  it('expires a quote that passes its validity', async () => {
    const order = await quotedOrder([phone()]);
    await t.dataSource.query(
      `UPDATE trade_in_orders SET quote_valid_until = now() - interval '1 second' WHERE id = $1`,
      [order.id],
    );
    const refused = await t.http
      .post(`/api/v1/trade-ins/${order.id}/accept`)
      .set(owner.auth)
      .send({})
      .expect(409);
    expect(refused.body.message).toContain('expired');
    await run(ExpireTradeInQuote, { orderId: order.id });
    const expired = await get(order.id);
    expect(expired.state).toBe('EXPIRED');
    expect(expired.allowedActions).toEqual([]);
    expect(expired.items[0].state).toBe('CANCELLED');
    const item = await itemOf(t, order.items[0].itemId);
    expect(item.state).toBe('CANCELLED');
    await run(ExpireTradeInQuote, { orderId: order.id }); // delivered twice: nothing more
    expect((await get(order.id)).version).toBe(expired.version);
  });
});
