import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { OpenSupportCase, SupportCaseSlaDue } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

describe('support cases', () => {
  let t: TestApp;
  let support: TestUser;
  let agent: TestUser;
  let owner: TestUser;
  let stranger: TestUser;
  let warehouseOrg: string;
  let item: Item;
  const orderId = randomUUID();

  beforeAll(async () => {
    t = await createTestApp();
    support = await t.user('support');
    agent = await t.user('support');
    owner = await t.user('customer');
    stranger = await t.user('customer');
    warehouseOrg = await t.organisation('warehouse');
    // The item and the trade-in order that names it in its history (acquisition lands in
    // parallel, so the order's event is appended as its machine would).
    item = await t.dataSource.transaction(async (m) => {
      const created = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
      });
      await t.app.get(HistoryService).append(m, [created.id], {
        type: 'TradeInOrder.accept',
        entity: 'TradeInOrder',
        entityId: orderId,
        toState: 'ACCEPTED',
        actor: { role: 'customer', userId: owner.id, organisationId: null },
      });
      return created;
    });
  });
  afterAll(() => t.close());

  /** What a stage does: write OpenSupportCase to the outbox in its own transaction. */
  const platformOpens = (payload: (typeof OpenSupportCase)['payload'] & object) =>
    t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [job(OpenSupportCase, payload)]),
    );

  const casesWhere = (sql: string, params: unknown[]) =>
    t.dataSource.query(`SELECT * FROM support_cases WHERE ${sql}`, params);

  it('opens one case per dedupe key when the platform asks (through the outbox), with the SLA of its type', async () => {
    const payload = {
      kind: 'late-pickup' as const,
      dedupeKey: `late-pickup:${randomUUID()}`,
      summary: 'Pickup missed its promised window',
      itemIds: [item.id],
      orderRef: { kind: 'trade-in' as const, id: orderId },
      customerId: null,
      detail: { warehouseId: warehouseOrg, promisedEnd: new Date().toISOString() },
    };
    await platformOpens(payload);
    await platformOpens(payload); // the same job delivered twice
    const [c] = await eventually(async () => {
      const rows = await casesWhere('dedupe_key = $1', [payload.dedupeKey]);
      return rows.length ? rows : null;
    });
    await eventually(
      async () =>
        (
          await t.dataSource.query(
            `SELECT 1 FROM outbox WHERE name = $1 AND payload->>'dedupeKey' = $2 AND completed_at IS NOT NULL`,
            [OpenSupportCase.name, payload.dedupeKey],
          )
        ).length === 2,
    );
    expect(await casesWhere('dedupe_key = $1', [payload.dedupeKey])).toHaveLength(1);
    expect(c).toMatchObject({
      state: 'OPEN',
      kind: 'late-pickup',
      origin: 'platform',
      order_kind: 'trade-in',
      order_id: orderId,
      item_ids: [item.id],
      customer_id: owner.id, // from the item's owner
      organisation_id: warehouseOrg,
    });
    expect(new Date(c.sla_due_at).getTime() - new Date(c.created_at).getTime()).toBeCloseTo(
      4 * 3_600_000,
      -3,
    );

    const read = await t.http.get(`/api/v1/support/cases/${c.id}`).set(support.auth).expect(200);
    expect(read.body).toMatchObject({
      kind: 'late-pickup',
      state: 'OPEN',
      breached: false,
      allowedActions: expect.arrayContaining(['assign', 'resolve']),
    });
    // The case is part of the item's history, and a webhook event waits for the warehouse.
    const timeline = await t.http
      .get(`/api/v1/items/${item.id}/timeline`)
      .set(support.auth)
      .expect(200);
    expect(timeline.body.events.map((e: { type: string }) => e.type)).toContain(
      'SupportCase.created',
    );
    const events = await t.dataSource.query(
      `SELECT payload FROM outbox WHERE name = 'publish-webhook-event' AND payload->'data'->>'caseId' = $1`,
      [c.id],
    );
    expect(events).toEqual([
      {
        payload: expect.objectContaining({
          type: 'support-case.opened',
          organisationId: warehouseOrg,
        }),
      },
    ]);

    const seal = {
      ...payload,
      kind: 'seal-mismatch' as const,
      dedupeKey: `seal:${randomUUID()}`,
      summary: 'Seal number differs at the warehouse',
    };
    await platformOpens(seal);
    const [s] = await eventually(async () => {
      const rows = await casesWhere('dedupe_key = $1', [seal.dedupeKey]);
      return rows.length ? rows : null;
    });
    expect(new Date(s.sla_due_at).getTime() - new Date(s.created_at).getTime()).toBeCloseTo(
      24 * 3_600_000,
      -3,
    );
  });

  it('works a case by hand: assign, notes, resolve, reopen by the owner, close', async () => {
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({
        kind: 'price-dispute',
        summary: 'Owner disputes the final price',
        itemIds: [item.id],
        orderRef: { kind: 'trade-in', id: orderId },
      })
      .expect(201);
    const id = opened.body.id as string;
    expect(opened.body).toMatchObject({
      state: 'OPEN',
      customerId: owner.id,
      origin: 'manual',
      version: 1,
    });

    await t.http
      .post(`/api/v1/support/cases/${id}/assign`)
      .set(support.auth)
      .send({ assigneeId: owner.id })
      .expect(400);
    const assigned = await t.http
      .post(`/api/v1/support/cases/${id}/assign`)
      .set(support.auth)
      .send({ assigneeId: agent.id, version: 1 })
      .expect(200);
    expect(assigned.body).toMatchObject({ state: 'IN_PROGRESS', assigneeId: agent.id, version: 2 });

    await t.http
      .post(`/api/v1/support/cases/${id}/notes`)
      .set(agent.auth)
      .send({ body: 'Grader photos show a dent: price is right' })
      .expect(201);
    await t.http
      .post(`/api/v1/support/cases/${id}/notes`)
      .set(agent.auth)
      .send({ body: 'We are checking the inspection photos.', internal: false })
      .expect(201);
    await t.http
      .post(`/api/v1/support/cases/${id}/notes`)
      .set(owner.auth)
      .send({ body: 'secret', internal: true })
      .expect(400);
    await t.http
      .post(`/api/v1/support/cases/${id}/notes`)
      .set(owner.auth)
      .send({ body: 'There was no dent when I sent it.' })
      .expect(201);

    const staffView = await t.http.get(`/api/v1/support/cases/${id}`).set(agent.auth).expect(200);
    expect(staffView.body.notes).toHaveLength(3);
    const ownerView = await t.http.get(`/api/v1/support/cases/${id}`).set(owner.auth).expect(200);
    expect(ownerView.body.notes.map((n: { body: string }) => n.body)).toEqual([
      'We are checking the inspection photos.',
      'There was no dent when I sent it.',
    ]);
    expect(JSON.stringify(ownerView.body)).not.toContain('Grader photos');
    expect(ownerView.body).not.toHaveProperty('assigneeId');
    expect(ownerView.body).not.toHaveProperty('detail');
    expect(ownerView.body.allowedActions).toEqual([]);
    await t.http.get(`/api/v1/support/cases/${id}`).set(stranger.auth).expect(404);
    const merchant = await t.user('merchant');
    await t.http.get(`/api/v1/support/cases/${id}`).set(merchant.auth).expect(403);

    await t.http
      .post(`/api/v1/support/cases/${id}/resolve`)
      .set(agent.auth)
      .send({ resolution: 'Price confirmed', version: 1 })
      .expect(409);
    const resolved = await t.http
      .post(`/api/v1/support/cases/${id}/resolve`)
      .set(agent.auth)
      .send({ resolution: 'Price confirmed after second grading' })
      .expect(200);
    expect(resolved.body).toMatchObject({ state: 'RESOLVED', resolution: expect.any(String) });

    const ownerSees = await t.http.get(`/api/v1/support/cases/${id}`).set(owner.auth).expect(200);
    expect(ownerSees.body.allowedActions.sort()).toEqual(['close', 'reopen']);
    const reopened = await t.http
      .post(`/api/v1/support/cases/${id}/reopen`)
      .set(owner.auth)
      .send({ reason: 'I have photos from before shipping' })
      .expect(200);
    expect(reopened.body).toMatchObject({ state: 'IN_PROGRESS', resolvedAt: null });
    await t.http.post(`/api/v1/support/cases/${id}/reopen`).set(stranger.auth).send({}).expect(404);
    await t.http
      .post(`/api/v1/support/cases/${id}/resolve`)
      .set(agent.auth)
      .send({ resolution: 'Offer raised by 50 CNY' })
      .expect(200);
    await t.http.post(`/api/v1/support/cases/${id}/close`).set(owner.auth).send({}).expect(200);
    const again = await t.http
      .post(`/api/v1/support/cases/${id}/reopen`)
      .set(owner.auth)
      .send({})
      .expect(409);
    expect(again.body).toMatchObject({ state: 'CLOSED', allowedActions: [] });

    const listed = await t.http
      .get(`/api/v1/support/cases?orderId=${orderId}&kind=price-dispute`)
      .set(support.auth)
      .expect(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const mine = await t.http.get('/api/v1/support/cases').set(owner.auth).expect(200);
    expect(mine.body.items.map((c: { id: string }) => c.id)).toContain(id);
    const theirs = await t.http.get('/api/v1/support/cases').set(stranger.auth).expect(200);
    expect(theirs.body.items).toEqual([]);
  });

  it('lets an owner open a case about their own item only', async () => {
    const ok = await t.http
      .post('/api/v1/support/cases')
      .set(owner.auth)
      .send({
        kind: 'price-dispute',
        summary: 'The offer is too low',
        itemIds: [item.id],
        orderRef: { kind: 'trade-in', id: orderId },
      })
      .expect(201);
    expect(ok.body).toMatchObject({ state: 'OPEN', origin: 'manual', itemIds: [item.id] });
    await t.http
      .post('/api/v1/support/cases')
      .set(stranger.auth)
      .send({ kind: 'price-dispute', summary: 'Not mine', itemIds: [item.id] })
      .expect(404);
    await t.http
      .post('/api/v1/support/cases')
      .set(stranger.auth)
      .send({
        kind: 'general',
        summary: 'Not my order',
        orderRef: { kind: 'trade-in', id: orderId },
      })
      .expect(404);
    await t.http
      .post('/api/v1/support/cases')
      .set(owner.auth)
      .send({ kind: 'fraud-review', summary: 'Hmm', itemIds: [item.id] })
      .expect(400);
    const res = await t.http
      .post('/api/v1/support/cases')
      .set(owner.auth)
      .send({ kind: 'general', summary: 'Hello', customerId: stranger.id })
      .expect(400);
    expect(res.body.message).toContain('customerId');
    await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'teleport', summary: 'x' })
      .expect(400);
  });

  it('shows an SLA breach, filters by it, and records it when the SLA timer fires', async () => {
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({
        kind: 'erasure-failure',
        summary: 'Wipe failed three times',
        itemIds: [item.id],
        organisationId: warehouseOrg,
      })
      .expect(201);
    const id = opened.body.id as string;
    // The timer job waits in the outbox for the due time (8 h for an erasure failure).
    const [timer] = await t.dataSource.query(
      `SELECT run_at FROM outbox WHERE name = $1 AND payload->>'caseId' = $2`,
      [SupportCaseSlaDue.name, id],
    );
    expect(new Date(timer.run_at).getTime()).toBe(new Date(opened.body.slaDueAt).getTime());

    // Eight hours pass.
    await t.dataSource.query(
      `UPDATE support_cases SET sla_due_at = now() - interval '1 minute' WHERE id = $1`,
      [id],
    );
    const breached = await t.http
      .get('/api/v1/support/cases?breached=true')
      .set(support.auth)
      .expect(200);
    expect(breached.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(breached.body.items[0].breached).toBe(true);
    const within = await t.http
      .get('/api/v1/support/cases?breached=false')
      .set(support.auth)
      .expect(200);
    expect(within.body.items.map((c: { id: string }) => c.id)).not.toContain(id);

    const handler = t.app.get(JobHandlerRegistry).get(SupportCaseSlaDue.name);
    const ctx = { jobId: 'sla', attempt: 1, maxAttempts: 8 };
    await handler?.run({ caseId: id }, ctx);
    await handler?.run({ caseId: id }, ctx);
    const [row] = await casesWhere('id = $1', [id]);
    expect(row.sla_breached_at).not.toBeNull();
    const published = await t.dataSource.query(
      `SELECT 1 FROM outbox WHERE name = 'publish-webhook-event'
         AND payload->>'type' = 'support-case.sla-breached' AND payload->'data'->>'caseId' = $1`,
      [id],
    );
    expect(published).toHaveLength(1);

    // Resolving late keeps the breach visible.
    const late = await t.http
      .post(`/api/v1/support/cases/${id}/resolve`)
      .set(support.auth)
      .send({ resolution: 'Sent to physical destruction' })
      .expect(200);
    expect(late.body.breached).toBe(true);
  });
});

describe('webhook receivers with the default (safe) configuration', () => {
  let t: TestApp;
  let merchant: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    merchant = await t.user('merchant');
  });
  afterAll(() => t.close());

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://10.0.0.5/hook',
    'http://192.168.1.10/hook',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fe80::1]/hook',
    'ftp://93.184.216.34/hook',
    'https://user:pw@93.184.216.34/hook',
  ])('refuses %s', async (url) => {
    const res = await t.http
      .post('/api/v1/webhooks/subscriptions')
      .set(merchant.auth)
      .send({ url, eventTypes: ['support-case.opened'] })
      .expect(400);
    expect(res.body.fields[0].field).toBe('url');
  });

  it('accepts a public receiver', async () => {
    await t.http
      .post('/api/v1/webhooks/subscriptions')
      .set(merchant.auth)
      .send({ url: 'https://93.184.216.34/hook', eventTypes: ['support-case.opened'] })
      .expect(201);
  });
});
