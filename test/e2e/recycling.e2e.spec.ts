import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { RecyclingRequested } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { loadCatalog } from '../support/fixtures.js';
import { itemOf, leafByCode, timelineOf } from '../support/reads.js';

describe('recycling lots', () => {
  let t: TestApp;
  let items: ItemsService;
  let transitions: TransitionService;
  let warehouse: TestUser;
  let otherWarehouse: TestUser;
  let recyclerStaff: TestUser;
  let otherRecyclerStaff: TestUser;
  let technician: TestUser;
  let admin: TestUser;
  let recycler: string;

  beforeAll(async () => {
    t = await createTestApp();
    items = t.app.get(ItemsService);
    transitions = t.app.get(TransitionService);
    await loadCatalog(t);
    // Like the seeded 'recycler-green'; the refurbisher does not recycle.
    recycler = await t.organisation('partner', { refurbishes: [], recycles: true });
    const refurbisher = await t.organisation('partner', { refurbishes: ['digital'] });
    warehouse = await t.user('warehouse');
    otherWarehouse = await t.user('warehouse');
    recyclerStaff = await t.user('technician', { organisationId: recycler });
    technician = await t.user('technician', { organisationId: refurbisher });
    admin = await t.user('admin');
    // A second recycler, created later: it gets lots only when the first has more.
    otherRecyclerStaff = await t.user('technician', {
      organisationId: await t.organisation('partner', { recycles: true }),
    });
  });
  afterAll(() => t.close());

  const itemRow = (id: string) => itemOf(t, id);

  /** Scrap items of the warehouse, sent to recycling as grading's disposition does. */
  const scrapped = async (categoryCode: string, n: number) => {
    const leaf = await leafByCode(t, categoryCode);
    if (!leaf) throw new Error(categoryCode);
    const out: Item[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        await t.dataSource.transaction(async (manager) => {
          const item = await items.register(manager, SYSTEM_ACTOR, {
            categoryId: leaf.id,
            custodian: { kind: 'warehouse', id: warehouse.organisationId },
            erasureStatus: 'not_required',
            state: 'RECEIVED',
          });
          await manager.query(`UPDATE items SET grade = 'scrap' WHERE id = $1`, [item.id]);
          return transitions.apply(ItemMachine, {
            manager,
            id: item.id,
            action: 'scrap',
            actor: SYSTEM_ACTOR,
            jobs: [
              job(RecyclingRequested, {
                itemId: item.id,
                warehouseId: warehouse.organisationId,
                reason: 'graded scrap',
              }),
            ],
          });
        }),
      );
    }
    return out;
  };

  const lotOf = (itemId: string) =>
    eventually(async () => {
      const rows = await t.dataSource.query(
        'SELECT lot_id FROM recycling_lot_items WHERE item_id = $1',
        [itemId],
      );
      return rows[0]?.lot_id as string | undefined;
    });

  it('gathers, seals, hands over and settles a lot, flagging a weight discrepancy', async () => {
    const phones = await scrapped('smartphones', 2);
    const laptop = (await scrapped('laptops', 1))[0];
    const lotId = await lotOf(phones[0].id);
    expect(await lotOf(phones[1].id)).toBe(lotId);
    expect(await lotOf(laptop.id)).toBe(lotId);

    // A repeated job adds nothing.
    await t.app
      .get(JobHandlerRegistry)
      .get(RecyclingRequested.name)
      ?.run(
        { itemId: laptop.id, warehouseId: warehouse.organisationId, reason: 'again' },
        { jobId: 'again', attempt: 1, maxAttempts: 1 },
      );

    const open = await t.http
      .get(`/api/v1/recycling-lots/${lotId}`)
      .set(warehouse.auth)
      .expect(200);
    expect(open.body).toMatchObject({
      state: 'OPEN',
      warehouseId: warehouse.organisationId,
      recyclerId: recycler,
      allowedActions: ['seal'],
    });
    expect(open.body.items).toHaveLength(3);

    // Access: another recycler, another warehouse, a refurbisher: not found.
    for (const stranger of [otherRecyclerStaff, otherWarehouse, technician]) {
      await t.http.get(`/api/v1/recycling-lots/${lotId}`).set(stranger.auth).expect(404);
    }
    const others = await t.http.get('/api/v1/recycling-lots').set(otherRecyclerStaff.auth);
    expect(others.body.items).toEqual([]);
    const mine = await t.http.get('/api/v1/recycling-lots').set(recyclerStaff.auth);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([lotId]);
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/seal`)
      .set(otherWarehouse.auth)
      .send({ weightGrams: 1780 })
      .expect(404);
    // Not before it is sealed; the recycler cannot seal.
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/settle`)
      .set(recyclerStaff.auth)
      .send({ weightGrams: 1, valueMinor: 1, certificateKind: 'recycling', certificateRef: 'X-1' })
      .expect(409);
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/seal`)
      .set(recyclerStaff.auth)
      .send({ weightGrams: 1780 })
      .expect(403);
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/seal`)
      .set(warehouse.auth)
      .send({ weightGrams: 0 })
      .expect(400);

    const sealed = await t.http
      .post(`/api/v1/recycling-lots/${lotId}/seal`)
      .set(warehouse.auth)
      .send({ weightGrams: 1780, sealNumber: 'RCY-0001', version: open.body.version })
      .expect(200);
    expect(sealed.body).toMatchObject({
      state: 'SEALED',
      itemCount: 3,
      estimatedWeightGrams: 2 * 190 + 1400,
      sealed: { weightGrams: 1780, sealNumber: 'RCY-0001', by: warehouse.id },
    });

    // New scrap after sealing starts a new lot.
    const late = (await scrapped('smartphones', 1))[0];
    expect(await lotOf(late.id)).not.toBe(lotId);

    // The recycler's driver takes the lot and signs.
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/hand-over`)
      .set(recyclerStaff.auth)
      .send({ signedByName: 'Ma Tao', signature: 'sig', version: sealed.body.version })
      .expect(400);
    const handed = await t.http
      .post(`/api/v1/recycling-lots/${lotId}/hand-over`)
      .set(recyclerStaff.auth)
      .send({ signedByName: 'Ma Tao', signature: 'data:image/png;base64,iVBORw0KGgo=' })
      .expect(200);
    expect(handed.body.state).toBe('HANDED_OVER');
    expect(handed.body.handoff).toMatchObject({
      signedByName: 'Ma Tao',
      recordedBy: recyclerStaff.id,
      signatureHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await itemRow(laptop.id)).toMatchObject({
      custodianKind: 'recycler',
      custodianId: recycler,
    });

    // The recycler weighs 1650 g against 1780 g sealed: 7.3 % off, beyond the 5 % tolerance.
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/settle`)
      .set(warehouse.auth)
      .send({
        weightGrams: 1650,
        valueMinor: 9000,
        certificateKind: 'recycling',
        certificateRef: 'G',
      })
      .expect(403);
    const settled = await t.http
      .post(`/api/v1/recycling-lots/${lotId}/settle`)
      .set(recyclerStaff.auth)
      .send({
        weightGrams: 1650,
        valueMinor: 9_000,
        certificateKind: 'recycling',
        certificateRef: 'GL-2026-000123',
      })
      .expect(200);
    expect(settled.body).toMatchObject({
      state: 'SETTLED',
      settlement: {
        weightGrams: 1650,
        value: { amountMinor: 9_000, currency: 'CNY' },
        expectedValue: { amountMinor: 2 * 4_000 + 12_000 },
        certificate: { kind: 'recycling', reference: 'GL-2026-000123' },
        weightDiscrepancyShare: 0.073,
        flaggedForReview: true,
      },
    });
    const cases = await t.dataSource.query(
      `SELECT payload FROM outbox WHERE name = 'open-support-case'
        AND payload->>'dedupeKey' = $1`,
      [`weight-discrepancy:${lotId}`],
    );
    expect(cases).toHaveLength(1);
    expect(cases[0].payload).toMatchObject({ kind: 'weight-discrepancy' });
    expect(cases[0].payload.itemIds).toHaveLength(3);

    // Each item's history ends with the recycler, the lot and the certificate (a support case
    // about the discrepancy may follow it).
    for (const item of [...phones, laptop]) {
      expect((await itemRow(item.id)).state).toBe('RECYCLED');
      const [last] = (await timelineOf(t, item.id))
        .filter((e) => e.entity !== 'SupportCase')
        .reverse();
      expect(last).toMatchObject({
        type: 'Item.recycle',
        custodian_kind: 'recycler',
        custodian_id: recycler,
        data: { recyclerId: recycler, lotId, certificateNumber: 'GL-2026-000123' },
      });
    }
    // Support picked the discrepancy up as a case on the items.
    await eventually(async () => {
      const rows = (await timelineOf(t, laptop.id)).filter(
        (e) => e.type === 'SupportCase.created' && e.data.kind === 'weight-discrepancy',
      );
      return rows.length === 1;
    });
    const verify = await t.http.get(`/api/v1/items/${laptop.id}/timeline`).set(admin.auth);
    expect(verify.status).toBe(200);

    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/settle`)
      .set(recyclerStaff.auth)
      .send({
        weightGrams: 1650,
        valueMinor: 9_000,
        certificateKind: 'recycling',
        certificateRef: 'GL-1',
      })
      .expect(409);
  });

  it('settles within tolerance without a flag, and destruction certificates destroy', async () => {
    const [tablet] = await scrapped('tablets', 1);
    const lotId = await lotOf(tablet.id);
    const lot = await t.http.get(`/api/v1/recycling-lots/${lotId}`).set(admin.auth).expect(200);
    // The previous test's late item opened this lot while the first recycler still had one
    // unsettled: it went to the recycler with fewer lots, and this item joins it.
    expect(lot.body.items.length).toBe(2);
    expect(lot.body.recyclerId).toBe(otherRecyclerStaff.organisationId);
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/seal`)
      .set(warehouse.auth)
      .send({ weightGrams: 700 })
      .expect(200);
    await t.http
      .post(`/api/v1/recycling-lots/${lotId}/hand-over`)
      .set(warehouse.auth)
      .send({ signedByName: 'Ma Tao', signature: 'ack-7F3A9C' })
      .expect(200);
    const settled = await t.http
      .post(`/api/v1/recycling-lots/${lotId}/settle`)
      .set(otherRecyclerStaff.auth)
      .send({
        weightGrams: 690,
        valueMinor: 3_000,
        certificateKind: 'destruction',
        certificateRef: 'GL-D-77',
      })
      .expect(200);
    expect(settled.body.settlement).toMatchObject({ flaggedForReview: false });
    expect((await itemRow(tablet.id)).state).toBe('DESTROYED');
    const cases = await t.dataSource.query(
      `SELECT 1 FROM outbox WHERE name = 'open-support-case' AND payload->>'dedupeKey' = $1`,
      [`weight-discrepancy:${lotId}`],
    );
    expect(cases).toHaveLength(0);
  });
});
