import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import {
  DisposeItem,
  ParcelDelivered,
  SecondGradingRequested,
} from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers, standardFingerprint } from '../../src/catalog/standards/grade-engine.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { loadCatalog } from '../support/fixtures.js';
import { itemOf, leafByCode, timelineOf } from '../support/reads.js';

const PREMIUM = idealAnswers(PHONE_STANDARD);
const GOOD = { ...PREMIUM, battery_health: 72 };
const SCRAP = { ...PREMIUM, liquid_damage: true };
const ANSWERS = { premium: PREMIUM, good: GOOD, scrap: SCRAP } as const;

describe('receiving, inspection and grading', () => {
  let t: TestApp;
  let items: ItemsService;
  let transitions: TransitionService;
  let registry: JobHandlerRegistry;
  let graderA1: TestUser;
  let graderA2: TestUser;
  let graderB: TestUser;
  let support: TestUser;
  let admin: TestUser;
  let owner: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    items = t.app.get(ItemsService);
    transitions = t.app.get(TransitionService);
    registry = t.app.get(JobHandlerRegistry);
    await loadCatalog(t);
    graderA1 = await t.user('warehouse');
    graderA2 = await t.user('warehouse', { organisationId: graderA1.organisationId ?? undefined });
    graderB = await t.user('warehouse');
    support = await t.user('support');
    admin = await t.user('admin');
    owner = await t.user('customer');
    // Sampling is exercised in its own test; keep the others deterministic.
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 0 })
      .expect(200);
  });
  afterAll(() => t.close());

  const ctx = { jobId: 'test', attempt: 1, maxAttempts: 1 };
  const run = async <P>(def: { name: string; payload?: P }, payload: P) => {
    const handler = registry.get(def.name);
    if (!handler) throw new Error(`no handler for ${def.name}`);
    await handler.run(payload, ctx);
  };

  /** Items on their way to a warehouse: declared, then collected. */
  const inTransit = async (n: number, categoryCode: string) => {
    const leaf = await leafByCode(t, categoryCode);
    if (!leaf) throw new Error(categoryCode);
    return t.dataSource.transaction(async (manager) => {
      const out: Item[] = [];
      for (let i = 0; i < n; i++) {
        const item = await items.register(manager, SYSTEM_ACTOR, {
          categoryId: leaf.id,
          ownerId: owner.id,
          custodian: { kind: 'owner', id: owner.id },
          erasureStatus: leaf.requiresErasure ? 'pending' : 'not_required',
        });
        out.push(
          await transitions.apply(ItemMachine, {
            manager,
            id: item.id,
            action: 'collect',
            actor: SYSTEM_ACTOR,
            patch: { custodianKind: 'courier', custodianId: null },
          }),
        );
      }
      return out;
    });
  };

  const delivery = (warehouseId: string, list: Item[], sealNumber: string | null) => ({
    pickupId: randomUUID(),
    warehouseId,
    sealNumber,
    itemIds: list.map((i) => i.id),
    source: { kind: 'trade-in' as const, id: randomUUID() },
    deliveredAt: new Date().toISOString(),
  });

  const parcelOf = async (pickupId: string) =>
    (await t.dataSource.query('SELECT id FROM parcels WHERE pickup_id = $1', [pickupId]))[0] as
      { id: string } | undefined;

  const itemRow = (id: string) => itemOf(t, id);

  const jobsFor = async (name: string, itemId: string) =>
    (
      await t.dataSource.query(
        `SELECT payload FROM outbox WHERE name = $1 AND payload->>'itemId' = $2 ORDER BY created_at`,
        [name, itemId],
      )
    ).map((r: { payload: Record<string, unknown> }) => r.payload);

  /** Delivered (handler) and received cleanly by a grader of the warehouse; returns inspections. */
  const receivedAndQueued = async (grader: TestUser, n: number, categoryCode = 'smartphones') => {
    const list = await inTransit(n, categoryCode);
    const payload = delivery(grader.organisationId ?? '', list, null);
    await run(ParcelDelivered, payload);
    const parcel = await parcelOf(payload.pickupId);
    await t.http
      .post(`/api/v1/receiving/parcels/${parcel?.id}/receive`)
      .set(grader.auth)
      .send({ traceCodes: list.map((i) => i.traceCode) })
      .expect(200);
    const inspections: Array<{ id: string; itemId: string }> = [];
    for (const item of list) {
      const res = await t.http
        .get(`/api/v1/inspections?itemId=${item.id}&state=PENDING`)
        .set(grader.auth)
        .expect(200);
      expect(res.body.items).toHaveLength(1);
      inspections.push(res.body.items[0]);
    }
    return inspections;
  };

  const grade = async (grader: TestUser, inspectionId: string, answers: object) => {
    await t.http
      .post(`/api/v1/inspections/${inspectionId}/claim`)
      .set(grader.auth)
      .send({})
      .expect(200);
    const res = await t.http
      .post(`/api/v1/inspections/${inspectionId}/complete`)
      .set(grader.auth)
      .send({ answers, photos: ['photos/extra-1.jpg'] })
      .expect(200);
    return res.body;
  };

  it('tells resale how a buyer return graded and routes it at once', async () => {
    const [returned] = await inTransit(1, 'smartphones');
    const payload = {
      ...delivery(graderA1.organisationId ?? '', [returned], null),
      source: { kind: 'sale-order' as const, id: randomUUID() },
    };
    await run(ParcelDelivered, payload);
    const parcel = await parcelOf(payload.pickupId);
    await t.http
      .post(`/api/v1/receiving/parcels/${parcel?.id}/receive`)
      .set(graderA1.auth)
      .send({ traceCodes: [returned.traceCode] })
      .expect(200);
    const queued = await t.http
      .get(`/api/v1/inspections?itemId=${returned.id}&state=PENDING`)
      .set(graderA1.auth)
      .expect(200);
    const report = await grade(graderA1, queued.body.items[0].id, GOOD);
    expect(report.grade).toBe('good');
    expect(await jobsFor('item-graded', returned.id)).toEqual([]);
    expect(await jobsFor('return-inspected', returned.id)).toEqual([
      { itemId: returned.id, inspectionId: report.id, grade: 'good', source: payload.source },
    ]);
    expect(await jobsFor('dispose-item', returned.id)).toHaveLength(1);
  });

  describe('receiving', () => {
    it('receives a parcel with a good seal by scans, through the outbox', async () => {
      const list = await inTransit(2, 'smartphones');
      const payload = delivery(graderA1.organisationId ?? '', list, 'SL-20251101-0001');
      await t.dataSource.transaction((m) =>
        t.app.get(OutboxService).write(m, [job(ParcelDelivered, payload)]),
      );
      const parcel = await eventually(() => parcelOf(payload.pickupId));
      // Delivered twice: still one parcel.
      await run(ParcelDelivered, payload);
      const rows = await t.dataSource.query('SELECT 1 FROM parcels WHERE pickup_id = $1', [
        payload.pickupId,
      ]);
      expect(rows).toHaveLength(1);

      // Other warehouses and customers see nothing.
      await t.http.get(`/api/v1/receiving/parcels/${parcel.id}`).set(graderB.auth).expect(404);
      await t.http
        .post('/api/v1/receiving/scan')
        .set(graderB.auth)
        .send({ code: 'SL-20251101-0001' })
        .expect(404);
      await t.http.get('/api/v1/receiving/parcels').set(owner.auth).expect(403);

      const queue = await t.http
        .get('/api/v1/receiving/parcels?state=EXPECTED')
        .set(graderA1.auth)
        .expect(200);
      const mine = queue.body.items.find((p: { id: string }) => p.id === parcel.id);
      expect(mine).toMatchObject({ sealed: true, state: 'EXPECTED' });
      expect(mine.sealNumber).toBeUndefined(); // staff must read it off the bag
      const seen = await t.http.get(`/api/v1/receiving/parcels/${parcel.id}`).set(support.auth);
      expect(seen.body.sealNumber).toBe('SL-20251101-0001');

      const seal = await t.http
        .post('/api/v1/receiving/scan')
        .set(graderA1.auth)
        .send({ code: ' sl-20251101-0001 ' })
        .expect(200);
      expect(seal.body).toMatchObject({ matched: { kind: 'seal' }, received: false });
      const first = await t.http
        .post('/api/v1/receiving/scan')
        .set(graderA1.auth)
        .send({ code: list[0].traceCode.toLowerCase() })
        .expect(200);
      expect(first.body).toMatchObject({
        matched: { kind: 'item', itemId: list[0].id },
        received: false,
      });
      const last = await t.http
        .post('/api/v1/receiving/scan')
        .set(graderA1.auth)
        .send({ code: list[1].traceCode })
        .expect(200);
      expect(last.body.received).toBe(true);
      expect(last.body.parcel).toMatchObject({ state: 'RECEIVED', sealRead: 'SL-20251101-0001' });
      expect(last.body.parcel.exceptions).toEqual([]);

      for (const item of list) {
        const row = await itemRow(item.id);
        expect(row).toMatchObject({
          state: 'RECEIVED',
          custodianKind: 'warehouse',
          custodianId: graderA1.organisationId,
        });
        expect(await jobsFor('item-received', item.id)).toEqual([
          { itemId: item.id, warehouseId: graderA1.organisationId, parcelId: parcel.id },
        ]);
        expect(await jobsFor('start-erasure', item.id)).toEqual([
          {
            itemId: item.id,
            at: 'warehouse',
            organisationId: graderA1.organisationId,
            requestedBy: graderA1.id,
          },
        ]);
        expect(await jobsFor('receiving-exception-raised', item.id)).toEqual([]);
      }
      // Queued for inspection in that warehouse only.
      const pending = await t.http
        .get('/api/v1/inspections?state=PENDING&limit=200')
        .set(graderA1.auth)
        .expect(200);
      const queued = pending.body.items.map((i: { itemId: string }) => i.itemId);
      expect(queued).toEqual(expect.arrayContaining(list.map((i) => i.id)));
      const elsewhere = await t.http
        .get('/api/v1/inspections?state=PENDING&limit=200')
        .set(graderB.auth)
        .expect(200);
      expect(elsewhere.body.items.map((i: { itemId: string }) => i.itemId)).not.toContain(
        list[0].id,
      );

      await t.http
        .post(`/api/v1/receiving/parcels/${parcel.id}/receive`)
        .set(graderA1.auth)
        .send({})
        .expect(409);
      await t.http
        .post('/api/v1/receiving/scan')
        .set(graderA1.auth)
        .send({ code: 'NOTHING-HERE' })
        .expect(404);
    });

    it('records a wrong seal as an exception, freezes the payouts and opens a case', async () => {
      const bags = await inTransit(2, 'handbags');
      const payload = delivery(graderA1.organisationId ?? '', bags, 'SL-7777');
      await run(ParcelDelivered, payload);
      const parcel = await parcelOf(payload.pickupId);
      const res = await t.http
        .post(`/api/v1/receiving/parcels/${parcel?.id}/receive`)
        .set(graderA1.auth)
        .send({ sealNumber: 'SL-9999', traceCodes: bags.map((b) => b.traceCode) })
        .expect(200);
      expect(res.body.state).toBe('RECEIVED_WITH_EXCEPTIONS');
      expect(res.body.exceptions.map((e: { kind: string }) => e.kind)).toEqual([
        'seal-mismatch',
        'seal-mismatch',
      ]);
      for (const bag of bags) {
        // Physically here: received and queued, but the owner's payout is frozen.
        expect((await itemRow(bag.id)).state).toBe('RECEIVED');
        const raised = await jobsFor('receiving-exception-raised', bag.id);
        expect(raised).toEqual([
          expect.objectContaining({ kind: 'seal-mismatch', parcelId: parcel?.id }),
        ]);
        expect(await jobsFor('start-erasure', bag.id)).toEqual([]); // a bag stores no data
      }
      const cases = await t.dataSource.query(
        `SELECT payload FROM outbox WHERE name = 'open-support-case' AND payload->>'dedupeKey' = $1`,
        [`receiving:${parcel?.id}`],
      );
      expect(cases).toHaveLength(1);
      expect(cases[0].payload).toMatchObject({
        kind: 'seal-mismatch',
        customerId: owner.id,
        orderRef: payload.source,
        itemIds: expect.arrayContaining(bags.map((b) => b.id)),
      });

      const forSupport = await t.http
        .get(`/api/v1/receiving/exceptions?parcelId=${parcel?.id}`)
        .set(support.auth)
        .expect(200);
      expect(forSupport.body.items).toHaveLength(2);
      expect(forSupport.body.items[0]).toMatchObject({ code: 'SL-9999', kind: 'seal-mismatch' });
      const forOther = await t.http
        .get(`/api/v1/receiving/exceptions?parcelId=${parcel?.id}`)
        .set(graderB.auth)
        .expect(200);
      expect(forOther.body.items).toHaveLength(0);
      await t.http.get('/api/v1/receiving/exceptions').set(owner.auth).expect(403);
    });

    it('records a broken seal, a missing item and an unexpected one', async () => {
      const bags = await inTransit(1, 'handbags');
      const sealed = delivery(graderA1.organisationId ?? '', bags, 'SL-8888');
      await run(ParcelDelivered, sealed);
      const sealedParcel = await parcelOf(sealed.pickupId);
      const broken = await t.http
        .post(`/api/v1/receiving/parcels/${sealedParcel?.id}/receive`)
        .set(graderA1.auth)
        .send({ sealNumber: 'SL-8888', sealIntact: false, traceCodes: [bags[0].traceCode] })
        .expect(200);
      expect(broken.body.exceptions.map((e: { kind: string }) => e.kind)).toEqual(['broken-seal']);

      const list = await inTransit(2, 'smartphones');
      const [stranger] = await inTransit(1, 'smartphones');
      const loose = delivery(graderA1.organisationId ?? '', list, null);
      await run(ParcelDelivered, loose);
      const parcel = await parcelOf(loose.pickupId);
      const res = await t.http
        .post(`/api/v1/receiving/parcels/${parcel?.id}/receive`)
        .set(graderA1.auth)
        .send({ traceCodes: [list[0].traceCode, stranger.traceCode, 'garbage'] })
        .expect(200);
      expect(res.body.state).toBe('RECEIVED_WITH_EXCEPTIONS');
      const kinds = res.body.exceptions.map((e: { kind: string; itemId: string | null }) => [
        e.kind,
        e.itemId,
      ]);
      expect(kinds).toEqual(
        expect.arrayContaining([
          ['missing-item', list[1].id],
          ['unexpected-item', stranger.id],
          ['unexpected-item', null],
        ]),
      );
      expect((await itemRow(list[0].id)).state).toBe('RECEIVED');
      expect((await itemRow(list[1].id)).state).toBe('IN_TRANSIT'); // still missing
      expect((await itemRow(stranger.id)).state).toBe('IN_TRANSIT'); // not this parcel's
      expect(await jobsFor('receiving-exception-raised', list[0].id)).toEqual([]);
      expect(await jobsFor('receiving-exception-raised', list[1].id)).toHaveLength(1);
      await t.http
        .post(`/api/v1/receiving/parcels/${parcel?.id}/receive`)
        .set(graderA1.auth)
        .send({ traceCodes: 'nope' })
        .expect(400);
      await t.http
        .post(`/api/v1/receiving/parcels/${parcel?.id}/receive`)
        .set(graderA1.auth)
        .send({})
        .expect(409);
    });
  });

  describe('inspection', () => {
    const done: Record<'premium' | 'good' | 'scrap', { id: string; itemId: string }> = {} as never;

    it('grades items premium, good and scrap with the reasons, frozen into the history', async () => {
      const [p, g, s] = await receivedAndQueued(graderA1, 3);

      // One grader at a time: of concurrent claims exactly one wins.
      const claims = await Promise.all(
        [graderA1, graderA2, graderA2, graderA1, graderA2].map((u) =>
          t.http.post(`/api/v1/inspections/${p.id}/claim`).set(u.auth).send({}),
        ),
      );
      expect(claims.map((c) => c.status).sort()).toEqual([200, 409, 409, 409, 409]);
      const winner = claims.find((c) => c.status === 200)?.body as { graderId: string };
      const claimedBy = winner.graderId === graderA1.id ? graderA1 : graderA2;
      const other = claimedBy === graderA1 ? graderA2 : graderA1;
      await t.http
        .post(`/api/v1/inspections/${p.id}/complete`)
        .set(other.auth)
        .send({ answers: PREMIUM })
        .expect(409);
      // Another warehouse cannot even see it.
      await t.http.get(`/api/v1/inspections/${p.id}`).set(graderB.auth).expect(404);
      await t.http.post(`/api/v1/inspections/${p.id}/claim`).set(graderB.auth).send({}).expect(404);
      await t.http
        .post(`/api/v1/inspections/${p.id}/preview`)
        .set(graderB.auth)
        .send({ answers: PREMIUM })
        .expect(404);
      await t.http.post(`/api/v1/inspections/${g.id}/claim`).set(support.auth).send({}).expect(403);
      await t.http.get(`/api/v1/inspections/${p.id}`).set(support.auth).expect(200);
      await t.http.get(`/api/v1/inspections/${p.id}`).set(owner.auth).expect(403);

      const premium = await t.http
        .post(`/api/v1/inspections/${p.id}/complete`)
        .set(claimedBy.auth)
        .send({ answers: PREMIUM })
        .expect(200);
      expect(premium.body).toMatchObject({
        state: 'COMPLETED',
        grade: 'premium',
        standard: { code: 'phone', version: 1, fingerprint: standardFingerprint(PHONE_STANDARD) },
      });
      expect(premium.body.report.reasons).toEqual([]);

      // Preview shows the grade before submitting and saves nothing.
      await t.http
        .post(`/api/v1/inspections/${g.id}/claim`)
        .set(graderA1.auth)
        .send({})
        .expect(200);
      const preview = await t.http
        .post(`/api/v1/inspections/${g.id}/preview`)
        .set(graderA1.auth)
        .send({ answers: GOOD })
        .expect(200);
      expect(preview.body.grade).toBe('good');
      expect(preview.body.reasons[0]).toMatchObject({
        checkId: 'battery_health',
        rule: 'battery-below-80',
      });
      expect((await t.http.get(`/api/v1/inspections/${g.id}`).set(graderA1.auth)).body.state).toBe(
        'IN_PROGRESS',
      );
      const invalid = await t.http
        .post(`/api/v1/inspections/${g.id}/complete`)
        .set(graderA1.auth)
        .send({ answers: { ...GOOD, battery_health: 140, screen_condition: 'shiny', extra: 1 } })
        .expect(400);
      expect(invalid.body.fields.map((f: { field: string }) => f.field)).toEqual(
        expect.arrayContaining([
          'answers.battery_health',
          'answers.screen_condition',
          'answers.extra',
        ]),
      );
      const good = await t.http
        .post(`/api/v1/inspections/${g.id}/complete`)
        .set(graderA1.auth)
        .send({ answers: GOOD })
        .expect(200);
      expect(good.body.grade).toBe('good');
      expect(good.body.report.reasons).toEqual([
        expect.objectContaining({
          checkId: 'battery_health',
          answer: 72,
          rule: 'battery-below-80',
        }),
      ]);

      const scrap = await grade(graderA2, s.id, SCRAP);
      expect(scrap.grade).toBe('scrap');
      expect(scrap.report.reasons[0]).toMatchObject({ checkId: 'liquid_damage', grade: 'scrap' });

      // item.grade, the frozen report in the hash-chained history, and ItemGraded for acquisition.
      for (const [inspection, expected] of [
        [p, 'premium'],
        [g, 'good'],
        [s, 'scrap'],
      ] as const) {
        expect((await itemRow(inspection.itemId)).grade).toBe(expected);
        const [event] = (await timelineOf(t, inspection.itemId)).filter(
          (e) => e.type === 'Inspection.complete',
        );
        expect(event.data).toMatchObject({
          inspectionId: inspection.id,
          grade: expected,
          standard: { code: 'phone', version: 1, fingerprint: standardFingerprint(PHONE_STANDARD) },
          answers: ANSWERS[expected],
        });
        const verify = await t.http
          .get(`/api/v1/items/${inspection.itemId}/history/verify`)
          .set(support.auth)
          .expect(200);
        expect(verify.body.intact).toBe(true);
        const graded = await jobsFor('item-graded', inspection.itemId);
        expect(graded).toHaveLength(1);
        expect(graded[0]).toMatchObject({
          inspectionId: inspection.id,
          grade: expected,
          standardCode: 'phone',
          standardVersion: 1,
          confirmedBySecondGrader: false,
          hold: false,
        });
        done[expected] = inspection;
      }
      const goodJob = (await jobsFor('item-graded', g.itemId))[0] as { findings: object[] };
      expect(goodJob.findings).toContainEqual(
        expect.objectContaining({
          checkId: 'battery_health',
          severity: 'functional',
          rule: 'battery-below-80',
          deductionMinor: 25000,
        }),
      );
    });

    it('parks a large price cut for a second grader; the first grader may not confirm', async () => {
      const g = done.good;
      const request = {
        itemId: g.itemId,
        inspectionId: g.id,
        quotedMinor: 400000,
        finalMinor: 150000,
      };
      await t.dataSource.transaction((m) =>
        t.app.get(OutboxService).write(m, [job(SecondGradingRequested, request)]),
      );
      await eventually(async () => {
        const res = await t.http.get(`/api/v1/inspections/${g.id}`).set(graderA1.auth);
        return res.body.state === 'AWAITING_SECOND_GRADER';
      });
      await run(SecondGradingRequested, request); // delivered twice: no change
      const parked = await t.http.get(`/api/v1/inspections/${g.id}`).set(graderA2.auth).expect(200);
      expect(parked.body).toMatchObject({
        state: 'AWAITING_SECOND_GRADER',
        secondGrading: { quotedMinor: 400000, finalMinor: 150000 },
      });
      const queue = await t.http
        .get('/api/v1/inspections?state=AWAITING_SECOND_GRADER')
        .set(graderA2.auth)
        .expect(200);
      expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(g.id);

      const same = await t.http
        .post(`/api/v1/inspections/${g.id}/confirm`)
        .set(graderA1.auth)
        .send({})
        .expect(409);
      expect(same.body.message).toContain('different grader');
      await t.http
        .post(`/api/v1/inspections/${g.id}/confirm`)
        .set(graderB.auth)
        .send({})
        .expect(404);
      const confirmed = await t.http
        .post(`/api/v1/inspections/${g.id}/confirm`)
        .set(graderA2.auth)
        .send({ version: parked.body.version })
        .expect(200);
      expect(confirmed.body).toMatchObject({
        state: 'COMPLETED',
        grade: 'good',
        confirmedBySecondGrader: true,
        secondGraderId: graderA2.id,
      });
      const graded = await jobsFor('item-graded', g.itemId);
      expect(
        graded.map((j: { confirmedBySecondGrader: boolean }) => j.confirmedBySecondGrader),
      ).toEqual([false, true]);
      // Confirmed once: a repeated request does not park it again.
      await run(SecondGradingRequested, request);
      expect((await t.http.get(`/api/v1/inspections/${g.id}`).set(graderA2.auth)).body.state).toBe(
        'COMPLETED',
      );
    });

    it('lets a second grader re-grade instead, superseding the first report', async () => {
      const s = done.scrap; // graded by graderA2
      await run(SecondGradingRequested, {
        itemId: s.itemId,
        inspectionId: s.id,
        quotedMinor: 300000,
        finalMinor: 4000,
      });
      const before = (await t.http.get(`/api/v1/inspections/${s.id}`).set(graderA1.auth)).body;
      expect(before.state).toBe('AWAITING_SECOND_GRADER');
      const created = await t.http
        .post(`/api/v1/inspections/${s.id}/reinspect`)
        .set(graderA1.auth)
        .send({ reason: 'Second grader re-checks the liquid indicator' })
        .expect(201);
      expect(created.body).toMatchObject({ state: 'PENDING', supersedesId: s.id });
      // The first grader may not take the re-grade.
      await t.http
        .post(`/api/v1/inspections/${created.body.id}/claim`)
        .set(graderA2.auth)
        .send({})
        .expect(409);
      const regraded = await grade(graderA1, created.body.id, GOOD);
      expect(regraded).toMatchObject({ grade: 'good', confirmedBySecondGrader: true });

      const old = (await t.http.get(`/api/v1/inspections/${s.id}`).set(graderA1.auth)).body;
      expect(old.state).toBe('SUPERSEDED');
      expect(old.grade).toBe('scrap'); // the earlier report is never edited
      expect(old.report).toEqual(before.report);
      expect(old.answers).toEqual(SCRAP);
      expect((await itemRow(s.itemId)).grade).toBe('good');
      const history = await t.http
        .get(`/api/v1/inspections?itemId=${s.itemId}`)
        .set(support.auth)
        .expect(200);
      expect(history.body.items.map((i: { state: string }) => i.state)).toEqual([
        'SUPERSEDED',
        'COMPLETED',
      ]);
      const last = (await jobsFor('item-graded', s.itemId)).at(-1);
      expect(last).toMatchObject({
        inspectionId: created.body.id,
        grade: 'good',
        confirmedBySecondGrader: true,
      });
      done.scrap = { id: created.body.id, itemId: s.itemId };
    });

    it('supersedes a report on a plain re-inspection; other warehouses get 404', async () => {
      const [i] = await receivedAndQueued(graderA1, 1);
      await grade(graderA1, i.id, SCRAP);
      await t.http
        .post(`/api/v1/inspections/${i.id}/reinspect`)
        .set(graderB.auth)
        .send({ reason: 'not mine' })
        .expect(404);
      await t.http
        .post(`/api/v1/inspections/${i.id}/reinspect`)
        .set(graderA2.auth)
        .send({ reason: 'x' })
        .expect(400);
      const again = await t.http
        .post(`/api/v1/inspections/${i.id}/reinspect`)
        .set(graderA2.auth)
        .send({ reason: 'Owner disputes liquid damage' })
        .expect(201);
      // The same grader may re-inspect (no second-grader rule here), under the standard in force.
      const second = await grade(graderA1, again.body.id, PREMIUM);
      expect(second).toMatchObject({
        grade: 'premium',
        supersedesId: i.id,
        confirmedBySecondGrader: false,
      });
      await t.http
        .post(`/api/v1/inspections/${i.id}/reinspect`)
        .set(graderA2.auth)
        .send({ reason: 'Superseded already' })
        .expect(409);
      const events = (await timelineOf(t, i.itemId)).filter((e) => e.entity === 'Inspection');
      expect(events.map((e: { type: string }) => e.type)).toEqual([
        'Inspection.created',
        'Inspection.claim',
        'Inspection.complete',
        'Inspection.supersede',
        'Inspection.created',
        'Inspection.claim',
        'Inspection.complete',
      ]);
    });

    it('routes items by grade on DisposeItem, once, and keeps the erasure gate', async () => {
      const { premium, good, scrap } = done; // scrap was re-graded good
      await t.dataSource.transaction((m) =>
        t.app
          .get(OutboxService)
          .write(m, [
            job(DisposeItem, { itemId: premium.itemId }),
            job(DisposeItem, { itemId: good.itemId }),
          ]),
      );
      // The refurbishment stage takes a good item on at once, so look at the moves, not the state.
      const moved = async (itemId: string, type: string) =>
        (await timelineOf(t, itemId)).filter((e) => e.type === type).length === 1;
      await eventually(() => moved(good.itemId, 'Item.send-to-refurbishment'));
      await eventually(async () => (await itemRow(premium.itemId)).state === 'AVAILABLE');
      await run(DisposeItem, { itemId: premium.itemId }); // repeated: nothing more
      const moves = (await timelineOf(t, premium.itemId)).filter(
        (e) => e.type === 'Item.make-available',
      );
      expect(moves).toHaveLength(1);
      await run(DisposeItem, { itemId: scrap.itemId });
      expect(await moved(scrap.itemId, 'Item.send-to-refurbishment')).toBe(true);

      // A scrap grade goes to recycling.
      const [x] = await receivedAndQueued(graderA1, 1, 'handbags');
      const bagAnswers = await t.http
        .get('/api/v1/grading-standards?code=bag')
        .expect(200)
        .then((r) => r.body.items[0].definition);
      const scrapBag = await t.http
        .post(`/api/v1/inspections/${x.id}/claim`)
        .set(graderA1.auth)
        .send({})
        .expect(200);
      expect(scrapBag.body.standard.code).toBe('bag');
      const ideal = idealAnswers(bagAnswers);
      const bag = await t.http
        .post(`/api/v1/inspections/${x.id}/complete`)
        .set(graderA1.auth)
        .send({ answers: { ...ideal, serial_date_code: 'mismatched' } })
        .expect(200);
      expect(bag.body.grade).toBe('scrap');
      await run(DisposeItem, { itemId: x.itemId });
      expect((await itemRow(x.itemId)).state).toBe('AWAITING_RECYCLING');

      // Each route hands the item on to the next stage, once.
      expect(await jobsFor('item-available-for-sale', premium.itemId)).toEqual([
        { itemId: premium.itemId, grade: 'premium' },
      ]);
      expect(await jobsFor('refurbishment-requested', good.itemId)).toHaveLength(1);
      expect(await jobsFor('recycling-requested', x.itemId)).toEqual([
        expect.objectContaining({ itemId: x.itemId, warehouseId: graderA1.organisationId }),
      ]);

      // Not inspected yet: the handler fails (and is retried) rather than guessing.
      const [waiting] = await receivedAndQueued(graderA1, 1);
      await expect(run(DisposeItem, { itemId: waiting.itemId })).rejects.toThrow(
        'no finished inspection',
      );

      // Available before its wipe is certified (the erasure stage runs in parallel): the gate holds.
      await t.dataSource.query(`UPDATE items SET erasure_status = 'pending' WHERE id = $1`, [
        premium.itemId,
      ]);
      const row = await itemRow(premium.itemId);
      await expect(
        transitions.apply(ItemMachine, { id: row.id, action: 'allocate', actor: SYSTEM_ACTOR }),
      ).rejects.toMatchObject({ status: 409 });
    });
  });

  describe('calibration', () => {
    it('re-grades a sampled share blindly and reports agreement per grader and category', async () => {
      await t.http
        .put('/api/v1/grading/calibration/settings')
        .set(graderA1.auth)
        .send({ rate: 1 })
        .expect(403);
      await t.http
        .put('/api/v1/grading/calibration/settings')
        .set(admin.auth)
        .send({ rate: 2 })
        .expect(400);
      await t.http
        .put('/api/v1/grading/calibration/settings')
        .set(admin.auth)
        .send({ rate: 1 })
        .expect(200);

      const first = await t.user('warehouse');
      const second = await t.user('warehouse', {
        organisationId: first.organisationId ?? undefined,
      });
      const plan: Array<[string, keyof typeof ANSWERS, keyof typeof ANSWERS]> = [
        ['smartphones', 'premium', 'premium'],
        ['smartphones', 'good', 'good'],
        ['smartphones', 'scrap', 'good'],
        ['smartphones', 'premium', 'good'],
        ['foldable-phones', 'good', 'good'],
        ['foldable-phones', 'scrap', 'scrap'],
      ];
      const inspectionIds: string[] = [];
      for (const [category, a] of plan) {
        const [i] = await receivedAndQueued(first, 1, category);
        await grade(first, i.id, ANSWERS[a]);
        inspectionIds.push(i.id);
      }

      // The first grader gets none of their own; the second sees tasks without the first grade.
      const own = await t.http.get('/api/v1/grading/calibration/tasks?state=OPEN').set(first.auth);
      expect(own.body.items).toHaveLength(0);
      const tasks = await t.http
        .get('/api/v1/grading/calibration/tasks?state=OPEN')
        .set(second.auth)
        .expect(200);
      expect(tasks.body.items).toHaveLength(plan.length);
      for (const task of tasks.body.items) {
        expect(task).not.toHaveProperty('firstGrade');
        expect(task).not.toHaveProperty('firstGraderId');
        expect(task.grade).toBeNull();
      }
      const other = await t.http
        .get('/api/v1/grading/calibration/tasks?state=OPEN')
        .set(graderB.auth);
      expect(other.body.items).toHaveLength(0);

      const byItem = new Map<string, { id: string }>(
        tasks.body.items.map((task: { id: string; itemId: string }) => [task.itemId, task]),
      );
      const inspections = await Promise.all(
        inspectionIds.map(
          async (id) => (await t.http.get(`/api/v1/inspections/${id}`).set(first.auth)).body,
        ),
      );
      for (const [index, [, , b]] of plan.entries()) {
        const task = byItem.get(inspections[index].itemId);
        if (!task) throw new Error('no task');
        if (index === 0) {
          await t.http
            .post(`/api/v1/grading/calibration/tasks/${task.id}/complete`)
            .set(first.auth)
            .send({ answers: ANSWERS[b] })
            .expect(409);
          await t.http
            .post(`/api/v1/grading/calibration/tasks/${task.id}/complete`)
            .set(graderB.auth)
            .send({ answers: ANSWERS[b] })
            .expect(404);
        }
        const done = await t.http
          .post(`/api/v1/grading/calibration/tasks/${task.id}/complete`)
          .set(second.auth)
          .send({ answers: ANSWERS[b] })
          .expect(200);
        expect(done.body).toMatchObject({ state: 'COMPLETED', grade: b });
      }

      await t.http.get('/api/v1/grading/calibration').set(support.auth).expect(403);
      const report = await t.http
        .get(`/api/v1/grading/calibration?warehouseId=${first.organisationId}`)
        .set(admin.auth)
        .expect(200);
      // Worked by hand: 6 pairs, 4 agree; marginals A (2,2,2), B (1,4,1): pe = 1/3, kappa = 0.5.
      expect(report.body.rate).toBe(1);
      expect(report.body.openTasks).toBe(0);
      expect(report.body.overall).toMatchObject({ n: 6, agreements: 4 });
      expect(report.body.overall.kappa).toBeCloseTo(0.5, 10);
      const byCategory = Object.fromEntries(
        report.body.byCategory.map((c: { categoryCode: string; kappa: number; n: number }) => [
          c.categoryCode,
          c,
        ]),
      );
      // Smartphones: po = 1/2, pe = 5/16 → kappa = 3/11. Foldables agree fully → 1.
      expect(byCategory.smartphones.n).toBe(4);
      expect(byCategory.smartphones.kappa).toBeCloseTo(3 / 11, 10);
      expect(byCategory['foldable-phones'].kappa).toBe(1);
      expect(report.body.byGrader.map((g: { graderId: string }) => g.graderId).sort()).toEqual(
        [first.id, second.id].sort(),
      );
      for (const g of report.body.byGrader) expect(g.kappa).toBeCloseTo(0.5, 10);
    });
  });
});
