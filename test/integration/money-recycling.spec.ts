import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { RecyclingRequested } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { LedgerService } from '../../src/money/ledger/ledger.service.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

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
 * Issue 23: the recycler-settlement posting. A recycler that settles a lot owes what it
 * reported paying for it: recycler-receivable debited, recycling revenue credited, in the
 * transaction of the settlement, once per lot; a lot settled for nothing posts nothing.
 */
describe('money: recycler settlement in the ledger', () => {
  let t: TestApp;
  let warehouse: TestUser;
  let recyclerStaff: TestUser;
  let admin: TestUser;
  let recycler: string;

  beforeAll(async () => {
    t = await createTestApp();
    await catalogSeed.run({
      app: t.app,
      dataSource: t.dataSource,
      organisations: {},
      users: {},
      log: () => undefined,
    });
    recycler = await t.organisation('partner', { refurbishes: [], recycles: true });
    warehouse = await t.user('warehouse');
    recyclerStaff = await t.user('technician', { organisationId: recycler });
    admin = await t.user('admin');
  });
  afterAll(() => t.close());

  const trialBalance = async () =>
    (await t.http.get('/api/v1/ledger/trial-balance').set(admin.auth).expect(200))
      .body as TrialBalance;
  const balances = async () =>
    Object.fromEntries((await trialBalance()).accounts.map((a) => [a.code, a.balanceMinor]));

  /** A scrapped phone of the warehouse, sent to recycling as grading's disposition does. */
  const scrapped = async () => {
    const leaf = await t.app.get(CatalogService).findLeafByCode('smartphones');
    if (!leaf) throw new Error('no smartphones category');
    const item = await t.dataSource.transaction(async (manager) => {
      const registered = await t.app.get(ItemsService).register(manager, SYSTEM_ACTOR, {
        categoryId: leaf.id,
        custodian: { kind: 'warehouse', id: warehouse.organisationId },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      });
      await manager.query(`UPDATE items SET grade = 'scrap' WHERE id = $1`, [registered.id]);
      return t.app.get(TransitionService).apply(ItemMachine, {
        manager,
        id: registered.id,
        action: 'scrap',
        actor: SYSTEM_ACTOR,
        jobs: [
          job(RecyclingRequested, {
            itemId: registered.id,
            warehouseId: warehouse.organisationId!,
            reason: 'graded scrap',
          }),
        ],
      });
    });
    return eventually(async () => {
      const rows = await t.dataSource.query<Array<{ lot_id: string }>>(
        'SELECT lot_id FROM recycling_lot_items WHERE item_id = $1',
        [item.id],
      );
      return rows[0]?.lot_id;
    });
  };

  /** Sealed by the warehouse, handed to the recycler, settled by it for `valueMinor`. */
  const settle = async (lotId: string, valueMinor: number) => {
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/seal`)
      .set(warehouse.auth)
      .send({ weightGrams: 190 })
      .expect(200);
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/hand-over`)
      .set(recyclerStaff.auth)
      .send({ signedByName: 'Ma Tao', signature: 'data:image/png;base64,iVBORw0KGgo=' })
      .expect(200);
    return t.http
      .post(`/api/v1/recycling-lots/${lotId}/settle`)
      .set(recyclerStaff.auth)
      .send({
        weightGrams: 188,
        valueMinor,
        certificateKind: 'recycling',
        certificateRef: `GL-${lotId.slice(0, 8)}`,
      });
  };

  it('posts what the recycler owes for each lot, once, and the trial balance stays zero', async () => {
    const first = await scrapped();
    expect((await settle(first, 9_000)).status).toBe(200);
    let b = await balances();
    expect(b).toEqual({
      [`recycler-receivable:${recycler}`]: 9_000,
      'platform-recycling-revenue': -9_000,
    });
    const [entry] = await t.app.get(LedgerService).entriesFor('recycling-lot', first);
    expect(entry).toMatchObject({
      kind: 'recycler-settlement',
      key: `recycler-settlement:${first}`,
      lines: expect.arrayContaining([
        { account: `recycler-receivable:${recycler}`, amountMinor: 9_000, currency: 'CNY' },
        { account: 'platform-recycling-revenue', amountMinor: -9_000, currency: 'CNY' },
      ]),
    });
    // Settling again is refused and posts nothing more.
    await t.http
      .post(`/api/v1/recycling-lots/${first}/settle`)
      .set(recyclerStaff.auth)
      .send({
        weightGrams: 188,
        valueMinor: 9_000,
        certificateKind: 'recycling',
        certificateRef: 'GL-AGAIN-1',
      })
      .expect(409);
    expect(await t.app.get(LedgerService).entriesFor('recycling-lot', first)).toHaveLength(1);

    // A second lot adds to what the same recycler owes; a lot worth nothing posts nothing.
    const second = await scrapped();
    expect(second).not.toBe(first);
    expect((await settle(second, 3_550)).status).toBe(200);
    const third = await scrapped();
    expect((await settle(third, 0)).status).toBe(200);
    expect(await t.app.get(LedgerService).entriesFor('recycling-lot', third)).toEqual([]);

    b = await balances();
    expect(b[`recycler-receivable:${recycler}`]).toBe(12_550);
    expect(b['platform-recycling-revenue']).toBe(-12_550);
    const tb = await trialBalance();
    expect(tb.totals).toEqual([
      { currency: 'CNY', debitMinor: 12_550, creditMinor: 12_550, balanceMinor: 0 },
    ]);
  });
});
