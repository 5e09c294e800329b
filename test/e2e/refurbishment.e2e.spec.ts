import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CatalogService } from '../../src/catalog/catalog.service.js';
import { catalogSeed } from '../../src/catalog/catalog.seed.js';
import { GradingStandardsService } from '../../src/catalog/grading-standards.service.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { RefurbishmentRequested } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { REPAIR_COST_TABLE } from '../../src/refurbishment/domain/repair-economics.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf, timelineOf } from '../support/reads.js';

const PREMIUM = idealAnswers(PHONE_STANDARD);
/** Battery below 80 %: a functional fault left, so QC fails. */
const STILL_FAULTY = { ...PREMIUM, battery_health: 72 };

describe('refurbishment by partners', () => {
  let t: TestApp;
  let items: ItemsService;
  let transitions: TransitionService;
  let history: HistoryService;
  let catalog: CatalogService;
  let warehouse: TestUser;
  let otherWarehouse: TestUser;
  let technician: TestUser;
  let homeTechnician: TestUser;
  let recyclerStaff: TestUser;
  let admin: TestUser;
  let support: TestUser;
  let digitalPartner: string;
  let homePartner: string;
  let recycler: string;
  let phoneStandard: { id: string; code: string; version: number };

  beforeAll(async () => {
    t = await createTestApp();
    items = t.app.get(ItemsService);
    transitions = t.app.get(TransitionService);
    history = t.app.get(HistoryService);
    catalog = t.app.get(CatalogService);
    await catalogSeed.run({
      app: t.app,
      dataSource: t.dataSource,
      organisations: {},
      users: {},
      log: () => undefined,
    });
    const std = await t.app.get(GradingStandardsService).latest('phone');
    if (!std) throw new Error('phone standard missing');
    phoneStandard = { id: std.id, code: std.code, version: std.version };
    // Like the seeded 'partner-digital', 'partner-home-luxury' and 'recycler-green'.
    digitalPartner = await t.organisation('partner', { refurbishes: ['digital'], recycles: false });
    homePartner = await t.organisation('partner', {
      refurbishes: ['home', 'luxury', 'books', 'clothing'],
      recycles: false,
    });
    recycler = await t.organisation('partner', { refurbishes: [], recycles: true });
    warehouse = await t.user('warehouse');
    otherWarehouse = await t.user('warehouse');
    technician = await t.user('technician', { organisationId: digitalPartner });
    homeTechnician = await t.user('technician', { organisationId: homePartner });
    recyclerStaff = await t.user('technician', { organisationId: recycler });
    admin = await t.user('admin');
    support = await t.user('support');
  });
  afterAll(() => t.close());

  const itemRow = (id: string) => itemOf(t, id);

  const outboxFor = async (name: string, itemId: string) =>
    (
      await t.dataSource.query(
        `SELECT payload FROM outbox WHERE name = $1 AND payload->>'itemId' = $2 ORDER BY created_at`,
        [name, itemId],
      )
    ).map((r: { payload: Record<string, unknown> }) => r.payload);

  /**
   * A received smartphone graded *good* (grade set directly; optionally with the inspection
   * report frozen into its history, as grading does), in the warehouse.
   */
  const gradedGood = async (opts: { model?: boolean; findings?: object[] } = {}) => {
    const leaf = await catalog.findLeafByCode('smartphones');
    const model = await catalog.findProductModelByCode('apple-iphone-15-pro-128');
    if (!leaf || !model) throw new Error('catalog not seeded');
    return t.dataSource.transaction(async (manager) => {
      const item = await items.register(manager, SYSTEM_ACTOR, {
        categoryId: leaf.id,
        productModelId: opts.model === false ? null : model.id,
        custodian: { kind: 'warehouse', id: warehouse.organisationId },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      });
      await manager.query(`UPDATE items SET grade = 'good' WHERE id = $1`, [item.id]);
      if (opts.findings) {
        await history.append(manager, [item.id], {
          type: 'Inspection.complete',
          entity: 'Inspection',
          entityId: randomUUID(),
          fromState: 'IN_PROGRESS',
          toState: 'COMPLETED',
          actor: SYSTEM_ACTOR,
          data: { grade: 'good', standard: phoneStandard, findings: opts.findings },
        });
      }
      return item;
    });
  };

  /** What grading's disposition does for a *good* item: send it on, with the job in the outbox. */
  const sendToRefurbishment = (item: Item) =>
    t.dataSource.transaction((manager) =>
      transitions.apply(ItemMachine, {
        manager,
        id: item.id,
        action: 'send-to-refurbishment',
        actor: SYSTEM_ACTOR,
        jobs: [
          job(RefurbishmentRequested, {
            itemId: item.id,
            inspectionId: null,
            warehouseId: warehouse.organisationId,
          }),
        ],
      }),
    );

  const orderOf = (itemId: string) =>
    eventually(async () => {
      const res = await t.http.get(`/api/v1/refurbishments?itemId=${itemId}`).set(admin.auth);
      return res.body.items?.[0] as
        | (Record<string, unknown> & {
            id: string;
            state: string;
            outcomeReason: string;
            economics: { costLines: unknown[] };
          })
        | undefined;
    });

  const repairAndReturn = async (orderId: string, serial: string) => {
    await t.http
      .post(`/api/v1/refurbishments/${orderId}/start-repair`)
      .set(technician.auth)
      .send({ diagnosis: 'Battery worn, holds 72 %' })
      .expect(200);
    await t.http
      .post(`/api/v1/refurbishments/${orderId}/parts`)
      .set(technician.auth)
      .send({
        partName: 'Battery',
        partNumber: 'A2894',
        serialIn: `${serial}-NEW`,
        serialOut: `${serial}-OLD`,
        costMinor: 9_000,
      })
      .expect(201);
    return t.http
      .post(`/api/v1/refurbishments/${orderId}/finish-repair`)
      .set(technician.auth)
      .send({ labourMinutes: 45, labourCostMinor: 6_000 })
      .expect(200);
  };

  it('repairs a good item that pays, passes QC and makes it available with its new grade', async () => {
    const item = await gradedGood({
      findings: [
        { checkId: 'battery_health', label: 'Battery health', severity: 'functional' },
        { checkId: 'screen_scratches', label: 'Screen', severity: 'none' },
      ],
    });
    await sendToRefurbishment(item);
    const listed = await orderOf(item.id);
    const id = listed.id;

    const opened = await t.http.get(`/api/v1/refurbishments/${id}`).set(warehouse.auth).expect(200);
    const costs = REPAIR_COST_TABLE.digital;
    expect(opened.body).toMatchObject({
      state: 'ASSIGNED',
      partnerId: digitalPartner, // competent for digital; the home partner is not
      categoryFamily: 'digital',
      standard: { code: 'phone', version: phoneStandard.version },
      economics: {
        worthRepairing: true,
        estimatedRepairCost: { amountMinor: costs.baseMinor + costs.functionalMinor },
        scrapValue: { amountMinor: 4_000, currency: 'CNY' },
      },
    });
    expect(opened.body.economics.expectedResale.amountMinor).toBeGreaterThan(100_000);
    expect(opened.body.economics.reason).toMatch(/^repair pays/);
    expect(opened.body.allowedActions).toEqual([]); // warehouse waits for the partner

    // Another partner's technician, or the recycler, does not even see it.
    await t.http.get(`/api/v1/refurbishments/${id}`).set(homeTechnician.auth).expect(404);
    await t.http
      .post(`/api/v1/refurbishments/${id}/start-repair`)
      .set(homeTechnician.auth)
      .send({})
      .expect(404);
    await t.http.get(`/api/v1/refurbishments/${id}`).set(recyclerStaff.auth).expect(404);
    const theirs = await t.http.get('/api/v1/refurbishments').set(homeTechnician.auth).expect(200);
    expect(theirs.body.items).toEqual([]);

    const mine = await t.http.get(`/api/v1/refurbishments/${id}`).set(technician.auth).expect(200);
    expect(mine.body.allowedActions).toEqual(['start-repair']);
    // Parts only while the repair is under way.
    await t.http
      .post(`/api/v1/refurbishments/${id}/parts`)
      .set(technician.auth)
      .send({ partName: 'Battery', costMinor: 1 })
      .expect(409);

    await t.http
      .post(`/api/v1/refurbishments/${id}/start-repair`)
      .set(technician.auth)
      .send({ version: 1 })
      .expect(409); // stale version
    const finished = await repairAndReturn(id, 'BAT-1');
    expect(finished.body).toMatchObject({
      state: 'QC',
      repair: {
        technicianId: technician.id,
        diagnosis: 'Battery worn, holds 72 %',
        labourMinutes: 45,
        partsCost: { amountMinor: 9_000 },
        totalCost: { amountMinor: 15_000 },
      },
      parts: [{ partName: 'Battery', serialIn: 'BAT-1-NEW', serialOut: 'BAT-1-OLD' }],
    });
    expect(finished.body.repair.turnaroundHours).toEqual(expect.any(Number));
    expect((await itemRow(item.id)).custodianId).toBe(warehouse.organisationId);

    // QC belongs to the order's warehouse; answers must fit the standard.
    await t.http
      .post(`/api/v1/refurbishments/${id}/qc`)
      .set(otherWarehouse.auth)
      .send({ answers: PREMIUM })
      .expect(404);
    await t.http
      .post(`/api/v1/refurbishments/${id}/qc`)
      .set(technician.auth)
      .send({ answers: PREMIUM })
      .expect(403);
    const bad = await t.http
      .post(`/api/v1/refurbishments/${id}/qc`)
      .set(warehouse.auth)
      .send({ answers: { ...PREMIUM, battery_health: 'lots' } })
      .expect(400);
    expect(JSON.stringify(bad.body.fields)).toContain('battery_health');

    const qc = await t.http
      .post(`/api/v1/refurbishments/${id}/qc`)
      .set(warehouse.auth)
      .send({ answers: PREMIUM })
      .expect(200);
    expect(qc.body).toMatchObject({
      state: 'DONE',
      qc: { grade: 'premium', passed: true, by: warehouse.id },
    });
    const after = await itemRow(item.id);
    expect(after.state).toBe('AVAILABLE');
    expect(after.grade).toBe('premium');
    expect(await outboxFor('item-available-for-sale', item.id)).toEqual([
      { itemId: item.id, grade: 'premium' },
    ]);
    await t.http
      .post(`/api/v1/refurbishments/${id}/qc`)
      .set(warehouse.auth)
      .send({ answers: PREMIUM })
      .expect(409);

    // The old battery's serial leads back to this unit; a fitted serial cannot go in twice.
    const trace = await t.http
      .get('/api/v1/refurbishments/parts?serial=bat-1-old')
      .set(support.auth)
      .expect(200);
    expect(trace.body.items).toMatchObject([{ itemId: item.id, direction: 'out' }]);

    // History: the repair is on the item's tamper-evident chain.
    const events = await timelineOf(t, item.id);
    expect(events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining([
        'RefurbishmentOrder.created',
        'RefurbishmentOrder.assign',
        'RefurbishmentOrder.finish-repair',
        'RefurbishmentOrder.pass-qc',
        'Item.make-available',
      ]),
    );

    // A repeated job opens nothing new.
    await t.app.get(JobHandlerRegistry).get(RefurbishmentRequested.name)?.run(
      { itemId: item.id, inspectionId: null, warehouseId: warehouse.organisationId },
      {
        jobId: 'again',
        attempt: 1,
        maxAttempts: 1,
      },
    );
    const all = await t.http.get(`/api/v1/refurbishments?itemId=${item.id}`).set(admin.auth);
    expect(all.body.items).toHaveLength(1);
  });

  it('sends a repair that does not pay to scrap, saying why, and into a recycling lot', async () => {
    // No product model and no sales history: resale can only be the scrap value.
    const item = await gradedGood({ model: false });
    await sendToRefurbishment(item);
    const order = await orderOf(item.id);
    expect(order).toMatchObject({
      state: 'UNREPAIRABLE',
      partnerId: null,
      economics: { worthRepairing: false },
    });
    expect(order.outcomeReason).toContain('repair does not pay');
    expect(order.outcomeReason).toContain('scrap value CNY 40.00');

    const scrapped = await itemRow(item.id);
    expect(scrapped.state).toBe('AWAITING_RECYCLING');
    const [requested] = await outboxFor('recycling-requested', item.id);
    expect(requested).toEqual({
      itemId: item.id,
      warehouseId: warehouse.organisationId,
      reason: order.outcomeReason,
    });
    // Recycling picks it up into the warehouse's open lot for the recycler.
    const lot = await eventually(async () => {
      const res = await t.http.get('/api/v1/recycling-lots').set(recyclerStaff.auth);
      return res.body.items?.[0] as { id: string; recyclerId: string } | undefined;
    });
    expect(lot.recyclerId).toBe(recycler);
  });

  it('scraps the item when QC finds it still faulty', async () => {
    const item = await gradedGood();
    await sendToRefurbishment(item);
    const order = await orderOf(item.id);
    expect(order.state).toBe('ASSIGNED');
    expect(order.economics.costLines).toMatchObject([{ code: 'base' }, { code: 'functional' }]);
    await repairAndReturn(order.id, 'BAT-2');
    // The same new battery cannot be fitted into a second unit.
    const dup = await gradedGood();
    await sendToRefurbishment(dup);
    const dupOrder = await orderOf(dup.id);
    await t.http
      .post(`/api/v1/refurbishments/${dupOrder.id}/start-repair`)
      .set(technician.auth)
      .send({ diagnosis: 'Battery' })
      .expect(200);
    await t.http
      .post(`/api/v1/refurbishments/${dupOrder.id}/parts`)
      .set(technician.auth)
      .send({ partName: 'Battery', serialIn: 'bat-2-new', costMinor: 9_000 })
      .expect(409);
    // The partner gives up on that one: unrepairable, to scrap.
    const gaveUp = await t.http
      .post(`/api/v1/refurbishments/${dupOrder.id}/declare-unrepairable`)
      .set(technician.auth)
      .send({ reason: 'Logic board corroded' })
      .expect(200);
    expect(gaveUp.body.state).toBe('UNREPAIRABLE');
    expect((await itemRow(dup.id)).state).toBe('AWAITING_RECYCLING');

    const qc = await t.http
      .post(`/api/v1/refurbishments/${order.id}/qc`)
      .set(warehouse.auth)
      .send({ answers: STILL_FAULTY, notes: 'battery still weak' })
      .expect(200);
    expect(qc.body).toMatchObject({ state: 'UNREPAIRABLE', qc: { passed: false, grade: 'good' } });
    expect(qc.body.outcomeReason).toContain('faults left after repair');
    const after = await itemRow(item.id);
    expect(after.state).toBe('AWAITING_RECYCLING');
    const [requested] = await outboxFor('recycling-requested', item.id);
    expect(requested.reason).toMatch(/^failed QC after repair/);
    expect(await outboxFor('item-available-for-sale', item.id)).toEqual([]);
  });

  it('assigns by competence and load, opens by hand, and measures turnaround per partner', async () => {
    const secondDigital = await t.organisation('partner', { refurbishes: ['digital'] });
    // Both digital partners are idle now: the older one first, then the less loaded one.
    const a = await gradedGood();
    const b = await gradedGood();
    const openedA = await t.http
      .post('/api/v1/refurbishments')
      .set(warehouse.auth)
      .send({ itemId: a.id })
      .expect(201);
    const openedB = await t.http
      .post('/api/v1/refurbishments')
      .set(warehouse.auth)
      .send({ itemId: b.id })
      .expect(201);
    expect(openedA.body).toMatchObject({ state: 'ASSIGNED', partnerId: digitalPartner });
    expect(openedB.body).toMatchObject({ state: 'ASSIGNED', partnerId: secondDigital });
    expect((await itemRow(a.id)).state).toBe('IN_REFURBISHMENT');
    // Twice, or by someone who does not hold the item: refused.
    await t.http
      .post('/api/v1/refurbishments')
      .set(warehouse.auth)
      .send({ itemId: a.id })
      .expect(409);
    const c = await gradedGood();
    await t.http
      .post('/api/v1/refurbishments')
      .set(otherWarehouse.auth)
      .send({ itemId: c.id })
      .expect(404);
    await t.http
      .post('/api/v1/refurbishments')
      .set(warehouse.auth)
      .send({ itemId: c.id, extra: true })
      .expect(400);

    const perf = await t.http
      .get('/api/v1/refurbishments/partners/performance')
      .set(admin.auth)
      .expect(200);
    const digital = perf.body.items.find(
      (p: { partnerId: string }) => p.partnerId === digitalPartner,
    );
    expect(digital).toMatchObject({ done: 1, inProgress: 1, qcPassRate: 0.5 });
    expect(digital.turnaroundHours.average).toEqual(expect.any(Number));
    expect(perf.body.items.map((p: { partnerId: string }) => p.partnerId)).toEqual(
      expect.arrayContaining([homePartner, secondDigital]),
    );
    const own = await t.http
      .get('/api/v1/refurbishments/partners/performance')
      .set(technician.auth)
      .expect(200);
    expect(own.body.items.map((p: { partnerId: string }) => p.partnerId)).toEqual([digitalPartner]);
    await t.http
      .get('/api/v1/refurbishments/partners/performance')
      .set((await t.user('customer')).auth)
      .expect(403);
  });
});
