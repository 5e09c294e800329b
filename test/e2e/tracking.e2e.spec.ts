import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import { type Actor, SYSTEM_ACTOR } from '../../src/core/actor.js';
import { HistoryService } from '../../src/core/history/history.service.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine, type ItemState } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { iphoneModelId, loadReferenceData, SHANGHAI } from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

const OWNER_PHONE = '+8613800138000';

interface TimelineEvent {
  type: string;
  seq: number;
  at: string;
  actor: { role: string; id?: string };
  custodian: { kind: string; id?: string; name?: string } | null;
  [field: string]: unknown;
}

describe('tracking: timelines, passport, search', () => {
  let t: TestApp;
  let transitions: TransitionService;
  let history: HistoryService;
  let owner: TestUser;
  let courier: TestUser;
  let warehouse: TestUser;
  let technician: TestUser;
  let merchant: TestUser;
  let buyer: TestUser;
  let support: TestUser;
  let item: Item;
  const orderId = randomUUID();
  const pickupId = randomUUID();
  const erasureId = randomUUID();
  const inspectionId = randomUUID();
  const refurbishmentId = randomUUID();
  const serial = 'C02XK1ABJG5H';
  const imei = '356938035643809';

  const as = (u: TestUser): Actor => ({
    role: u.role,
    userId: u.id,
    organisationId: u.organisationId,
  });

  /** Another stage's transition as it lands in the item history (those modules land in parallel). */
  const stageEvent = (
    m: EntityManager,
    u: TestUser | null,
    entry: {
      type: string;
      entity: string;
      entityId: string;
      fromState?: string | null;
      toState: string;
      place?: string;
      custodian?: { kind: string; id: string | null };
      data?: Record<string, unknown>;
    },
  ) => history.append(m, [item.id], { ...entry, actor: u ? as(u) : SYSTEM_ACTOR });

  const move = (
    u: TestUser,
    action: string,
    extra: {
      custodian?: { kind: string; id: string | null };
      patch?: Partial<Item>;
      place?: string;
    } = {},
    manager?: EntityManager,
  ) => {
    const patch: Partial<Item> = { ...extra.patch };
    if (extra.custodian) {
      patch.custodianKind = extra.custodian.kind as Item['custodianKind'];
      patch.custodianId = extra.custodian.id;
    }
    return transitions.apply<ItemState, Item>(ItemMachine, {
      id: item.id,
      action,
      actor: as(u),
      checkAccess: false,
      manager,
      custodian: extra.custodian,
      place: extra.place,
      patch,
    });
  };

  beforeAll(async () => {
    t = await createTestApp();
    // The reference catalog and service areas, for a trade-in another customer makes over HTTP.
    await loadReferenceData(t);
    transitions = t.app.get(TransitionService);
    history = t.app.get(HistoryService);
    // The owner signs up with their name (as a caller gives it), e-mail and mobile number.
    const ownerEmail = `owner-${randomUUID().slice(0, 8)}@test.reloop`;
    const signedUp = await t.http
      .post('/api/v1/auth/register')
      .send({
        email: ownerEmail,
        phone: OWNER_PHONE,
        password: 'correct horse battery',
        name: '李雷 Li Lei',
      })
      .expect(201);
    owner = {
      id: signedUp.body.user.id as string,
      email: ownerEmail,
      role: 'customer',
      organisationId: null,
      token: signedUp.body.accessToken as string,
      auth: { Authorization: `Bearer ${signedUp.body.accessToken as string}` },
    };
    courier = await t.user('courier');
    warehouse = await t.user('warehouse');
    technician = await t.user('technician');
    merchant = await t.user('merchant');
    buyer = await t.user('customer');
    support = await t.user('support');

    // Catalog rows (the passport reads them): the admin adds two categories; the model sits on
    // the second level, which the product-model route refuses (models belong to leaves).
    const suffix = randomUUID().slice(0, 8);
    const admin = await t.user('admin');
    const category = async (body: Record<string, string>) =>
      (await t.http.post('/api/v1/categories').set(admin.auth).send(body).expect(201)).body as {
        id: string;
      };
    const digital = await category({ code: `digital-${suffix}`, name: 'Digital', nameZh: '数码' });
    const phones = await category({
      code: `phones-${suffix}`,
      name: 'Phones',
      nameZh: '手机',
      parentId: digital.id,
    });
    const [model] = await t.dataSource.query(
      `INSERT INTO product_models (code, brand, model, category_id)
       VALUES ($1, 'Apple', 'iPhone 13', $2) RETURNING id`,
      [`iphone-13-${suffix}`, phones.id],
    );

    // The journey: trade-in → pickup → receiving → erasure → inspection → refurbishment →
    // merchant → sale.
    item = await t.dataSource.transaction(async (m) => {
      const created = await t.app.get(ItemsService).register(m, as(owner), {
        ownerId: owner.id,
        categoryId: phones.id,
        productModelId: model.id,
        serialNumber: serial,
        imei,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'pending',
      });
      item = created;
      await stageEvent(m, owner, {
        type: 'TradeInOrder.accept',
        entity: 'TradeInOrder',
        entityId: orderId,
        fromState: 'QUOTED',
        toState: 'ACCEPTED',
        data: { quotedMinor: 320000, contactName: 'Li Lei', contactPhone: OWNER_PHONE },
      });
      return created;
    });
    await t.dataSource.transaction(async (m) => {
      await stageEvent(m, courier, {
        type: 'Pickup.collect',
        entity: 'Pickup',
        entityId: pickupId,
        fromState: 'EN_ROUTE',
        toState: 'COLLECTED',
        place: 'Shanghai, Xuhui',
        custodian: { kind: 'courier', id: courier.id },
        data: { sealNumber: 'SEAL-778', address: '88 Caoxi Rd', contactName: 'Li Lei' },
      });
      await move(courier, 'collect', { custodian: { kind: 'courier', id: courier.id } }, m);
    });
    await move(warehouse, 'receive', {
      custodian: { kind: 'warehouse', id: warehouse.organisationId },
      place: 'Shanghai warehouse',
    });
    await t.dataSource.transaction(async (m) => {
      await stageEvent(m, warehouse, {
        type: 'Erasure.certify',
        entity: 'Erasure',
        entityId: erasureId,
        fromState: 'VERIFYING',
        toState: 'SUCCEEDED',
        data: {
          method: 'nist-purge',
          certificateNumber: 'ERC-2026-0001',
          operatorName: 'Zhang San',
        },
      });
      await stageEvent(m, warehouse, {
        type: 'Inspection.complete',
        entity: 'Inspection',
        entityId: inspectionId,
        fromState: 'IN_PROGRESS',
        toState: 'COMPLETED',
        data: {
          // As grading writes it (src/grading/inspections.service.ts).
          graderId: warehouse.id,
          grade: 'good',
          score: 0.82,
          standard: { id: randomUUID(), code: 'phones', version: 2, fingerprint: 'f00' },
          findings: [
            {
              checkId: 'screen',
              label: 'Screen scratched',
              severity: 'cosmetic',
              answer: 'owner Li Lei',
            },
          ],
          inspectorName: 'Wang Wu',
        },
      });
      await m.query(`UPDATE items SET erasure_status = 'certified' WHERE id = $1`, [item.id]);
    });
    await move(warehouse, 'send-to-refurbishment', {
      custodian: { kind: 'partner', id: technician.organisationId },
      patch: { grade: 'good' },
    });
    await t.dataSource.transaction(async (m) => {
      await stageEvent(m, technician, {
        type: 'RefurbishmentOrder.finish-qc',
        entity: 'RefurbishmentOrder',
        entityId: refurbishmentId,
        fromState: 'QC',
        toState: 'DONE',
        data: { partsReplaced: ['screen'], qcPassed: true, technicianPhone: '+8613911112222' },
      });
      await move(
        technician,
        'make-available',
        {
          custodian: { kind: 'warehouse', id: warehouse.organisationId },
        },
        m,
      );
    });
    await move(merchant, 'allocate', {
      custodian: { kind: 'merchant', id: merchant.organisationId },
    });
    await move(merchant, 'list');
    await move(buyer, 'sell', { custodian: { kind: 'buyer', id: buyer.id } });
  });
  afterAll(() => t.close());

  const EXPECTED_TYPES = [
    'Item.created',
    'TradeInOrder.accept',
    'Pickup.collect',
    'Item.collect',
    'Item.receive',
    'Erasure.certify',
    'Inspection.complete',
    'Item.send-to-refurbishment',
    'RefurbishmentOrder.finish-qc',
    'Item.make-available',
    'Item.allocate',
    'Item.list',
    'Item.sell',
  ];

  it('shows the full timeline of a journey, in order, with actor, time, place and custodian', async () => {
    const res = await t.http.get(`/api/v1/items/${item.id}/timeline`).set(support.auth).expect(200);
    const events = res.body.events as TimelineEvent[];
    expect(events.map((e) => e.type)).toEqual(EXPECTED_TYPES);
    expect(events.map((e) => e.seq)).toEqual(EXPECTED_TYPES.map((_, i) => i + 1));
    for (const e of events) expect(Date.parse(e.at)).not.toBeNaN();
    const collect = events.find((e) => e.type === 'Pickup.collect')!;
    expect(collect).toMatchObject({
      actor: { role: 'courier', id: courier.id },
      place: 'Shanghai, Xuhui',
      custodian: { kind: 'courier', id: courier.id },
      entityId: pickupId,
      toState: 'COLLECTED',
    });
    const receive = events.find((e) => e.type === 'Item.receive')!;
    expect(receive.custodian).toMatchObject({ kind: 'warehouse', id: warehouse.organisationId });
    expect(receive.custodian?.name).toEqual(expect.any(String));
    expect(receive.organisation).toMatchObject({ id: warehouse.organisationId, kind: 'warehouse' });

    // The owner sees their item's timeline, without staff members' ids.
    const mine = await t.http.get(`/api/v1/items/${item.id}/timeline`).set(owner.auth).expect(200);
    expect(mine.body.events.map((e: { type: string }) => e.type)).toEqual(EXPECTED_TYPES);
    const ownerCollect = mine.body.events.find(
      (e: { type: string }) => e.type === 'Pickup.collect',
    );
    expect(ownerCollect.actor).toEqual({ role: 'courier' });
    expect(JSON.stringify(mine.body)).not.toContain(courier.id);

    // Anyone else: 404, including staff who held the item.
    for (const other of [buyer, courier, warehouse, await t.user('customer')]) {
      await t.http.get(`/api/v1/items/${item.id}/timeline`).set(other.auth).expect(404);
    }
    await t.http.get(`/api/v1/items/${randomUUID()}/timeline`).set(support.auth).expect(404);
  });

  it('shows an order timeline: every event of the items the order touched', async () => {
    const second = await t.dataSource.transaction(async (m) => {
      const other = await t.app.get(ItemsService).register(m, as(owner), {
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
      });
      await history.append(m, [other.id], {
        type: 'TradeInOrder.accept',
        entity: 'TradeInOrder',
        entityId: orderId,
        fromState: 'QUOTED',
        toState: 'ACCEPTED',
        actor: as(owner),
      });
      return other;
    });
    const res = await t.http
      .get(`/api/v1/timeline?entityId=${orderId}`)
      .set(support.auth)
      .expect(200);
    expect(res.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [item.id, second.id].sort(),
    );
    const ofFirst = res.body.events.filter((e: { itemId: string }) => e.itemId === item.id);
    expect(ofFirst.map((e: { type: string }) => e.type)).toEqual(EXPECTED_TYPES);
    expect(res.body.events).toHaveLength(EXPECTED_TYPES.length + 2);
    const times = res.body.events.map((e: { at: string }) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    await t.http.get(`/api/v1/timeline?entityId=${orderId}`).set(owner.auth).expect(200);
    await t.http.get(`/api/v1/timeline?entityId=${orderId}`).set(buyer.auth).expect(404);
    await t.http.get(`/api/v1/timeline?entityId=${randomUUID()}`).set(support.auth).expect(404);
    await t.http.get('/api/v1/timeline?entityId=nope').set(support.auth).expect(400);
  });

  it('derives the custody chain from the history', async () => {
    const res = await t.http.get(`/api/v1/items/${item.id}/custody`).set(support.auth).expect(200);
    expect(res.body.chain.map((c: { kind: string }) => c.kind)).toEqual([
      'owner',
      'courier',
      'warehouse',
      'partner',
      'warehouse',
      'merchant',
      'buyer',
    ]);
    expect(res.body.chain[0].until).toBe(res.body.chain[1].since);
    expect(res.body.chain[6].until).toBeNull();
  });

  it('publishes a passport with no personal data', async () => {
    const res = await t.http.get(`/api/v1/trace/${item.traceCode.toLowerCase()}`).expect(200);
    const p = res.body;
    expect(p).toMatchObject({
      traceCode: item.traceCode,
      state: 'SOLD',
      category: { name: 'Phones', nameZh: '手机', path: ['Digital', 'Phones'] },
      productModel: { brand: 'Apple', model: 'iPhone 13' },
      grade: 'good',
      inspection: {
        grade: 'good',
        standardCode: 'phones',
        standardVersion: 2,
        findings: [{ label: 'Screen scratched', severity: 'cosmetic' }],
        inspections: 1,
      },
      erasure: {
        status: 'certified',
        certificates: [
          expect.objectContaining({
            state: 'SUCCEEDED',
            method: 'nist-purge',
            certificateNumber: 'ERC-2026-0001',
          }),
        ],
      },
      refurbishment: [
        expect.objectContaining({ state: 'DONE', partsReplaced: ['screen'], qcPassed: true }),
      ],
      history: { intact: true, events: EXPECTED_TYPES.length },
    });
    expect(p.refurbishment[0].partner.name).toEqual(expect.any(String));
    expect(p.custody.map((c: { kind: string }) => c.kind)).toEqual([
      'owner',
      'courier',
      'warehouse',
      'partner',
      'warehouse',
      'merchant',
      'buyer',
    ]);
    expect(p.custody[0].organisation).toBeNull();
    expect(p.custody[2].organisation).toEqual({ name: expect.any(String), kind: 'warehouse' });

    const json = JSON.stringify(p);
    const ownerRow = (await t.http.get('/api/v1/me').set(owner.auth).expect(200)).body as {
      name: string;
    };
    for (const secret of [
      owner.id,
      owner.email,
      ownerRow.name,
      OWNER_PHONE,
      '13800138000',
      'Li Lei',
      '88 Caoxi Rd',
      'SEAL-778',
      'Zhang San',
      'Wang Wu',
      '+8613911112222',
      courier.id,
      warehouse.id,
      technician.id,
      merchant.id,
      buyer.id,
      buyer.email,
      item.id,
      'Shanghai, Xuhui',
    ]) {
      expect(json).not.toContain(secret);
    }
    expect(json).not.toMatch(/"(ownerId|actorId|customerId|email|phone|userId)"/);

    await t.http.get('/api/v1/trace/23456789AB').expect(404);
    await t.http.get('/api/v1/trace/not-a-code').expect(404);
  });

  it('prints the passport as a QR label', async () => {
    const svg = await t.http.get(`/api/v1/trace/${item.traceCode}/label.svg`).expect(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    const text = svg.text || String(svg.body);
    expect(text).toContain('<svg');
    expect(text).toContain(`${item.traceCode.slice(0, 5)}-${item.traceCode.slice(5)}`);
    const png = await t.http
      .get(`/api/v1/trace/${item.traceCode}/label.png`)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(1, 4).toString()).toBe('PNG');
    await t.http.get('/api/v1/trace/23456789AB/label.png').expect(404);
  });

  it('finds the item by every support search key', async () => {
    const find = async (q: string) => {
      const res = await t.http
        .get('/api/v1/support/search')
        .query({ q })
        .set(support.auth)
        .expect(200);
      return res.body.items as Array<{ id: string; matchedBy: string[]; owner: { email: string } }>;
    };
    const cases: Array<[string, string]> = [
      [item.traceCode, 'traceCode'],
      [`${item.traceCode.slice(0, 5).toLowerCase()}-${item.traceCode.slice(5)}`, 'traceCode'],
      [serial.toLowerCase(), 'serialNumber'],
      [imei, 'imei'],
      ['138 0013 8000', 'phone'],
      [OWNER_PHONE, 'phone'],
      [owner.email.toUpperCase(), 'email'],
      [orderId, 'orderId'],
      [item.id, 'itemId'],
    ];
    for (const [q, key] of cases) {
      const hits = await find(q);
      const hit = hits.find((h) => h.id === item.id);
      expect({ q, matchedBy: hit?.matchedBy }).toEqual({
        q,
        matchedBy: expect.arrayContaining([key]),
      });
      expect(hit?.owner.email).toBe(owner.email);
    }
    expect(await find('no-such-thing')).toEqual([]);
    await t.http.get('/api/v1/support/search').query({ q: imei }).set(owner.auth).expect(403);
    await t.http.get('/api/v1/support/search').set(support.auth).expect(400);
  });

  it('finds what callers actually say: a phone ending, a name, the start of a code or number', async () => {
    const find = async (q: string) =>
      (await t.http.get('/api/v1/support/search').query({ q }).set(support.auth).expect(200)).body
        .items as Array<{ id: string; matchedBy: string[] }>;
    // The order behind the item's events (the owner signed up as '李雷 Li Lei').
    await t.dataSource.query(
      `INSERT INTO trade_in_orders (id, state, customer_id, channel, address)
       VALUES ($1, 'COMPLETED', $2, 'online', '{}') ON CONFLICT DO NOTHING`,
      [orderId, owner.id],
    );
    const cases: Array<[string, string]> = [
      [OWNER_PHONE.slice(-4), 'phoneEnding'],
      ['李雷', 'name'],
      ['li le', 'name'],
      [item.traceCode.slice(0, 5).toLowerCase(), 'traceCodeStart'],
      [imei.slice(0, 8), 'imeiStart'],
      [orderId.slice(0, 8), 'orderNumber'],
      [orderId.slice(0, 8).toUpperCase(), 'orderNumber'],
    ];
    for (const [q, key] of cases) {
      const hit = (await find(q)).find((h) => h.id === item.id);
      expect({ q, matchedBy: hit?.matchedBy }).toEqual({ q, matchedBy: [key] });
    }
    // LIKE's own characters are meant literally; someone else's phone ending finds nothing here.
    expect(await find('%%')).toEqual([]);
    expect((await find('0000')).find((h) => h.id === item.id)).toBeUndefined();
    // Everyone whose phone ends so: the caller says which is theirs.
    const other = await t.user('customer', { phone: '+8613900008000' });
    // Their phone, registered to them by their own trade-in.
    const tradeIn = await t.http
      .post('/api/v1/trade-ins')
      .set(other.auth)
      .send({
        channel: 'online',
        address: { ...SHANGHAI, contactName: 'Han Meimei', contactPhone: '+8613900008000' },
        items: [
          {
            productModelId: await iphoneModelId(t),
            declaredCondition: { condition: 'good', powersOn: true },
          },
        ],
      })
      .expect(201);
    const theirs = await eventually(async () => {
      const o = await t.http
        .get(`/api/v1/trade-ins/${tradeIn.body.id as string}`)
        .set(other.auth)
        .expect(200);
      const [first] = o.body.items as Array<{ itemId?: string }>;
      return first?.itemId ? { id: first.itemId } : null;
    });
    const both = (await find('8000')).map((h) => h.id);
    expect(both).toEqual(expect.arrayContaining([item.id, theirs.id]));
  });

  it('detects a tampered history chain, publicly', async () => {
    const ok = await t.http.get(`/api/v1/trace/${item.traceCode}/verify`).expect(200);
    expect(ok.body).toMatchObject({ intact: true, events: EXPECTED_TYPES.length });
    // Someone with superuser rights rewrites the inspection behind the platform's back.
    await t.dataSource.transaction(async (m) => {
      await m.query('SET LOCAL session_replication_role = replica');
      await m.query(
        `UPDATE item_events SET data = jsonb_set(data, '{grade}', '"premium"')
          WHERE item_id = $1 AND type = 'Inspection.complete'`,
        [item.id],
      );
    });
    const broken = await t.http.get(`/api/v1/trace/${item.traceCode}/verify`).expect(200);
    expect(broken.body).toMatchObject({ intact: false, firstBrokenSeq: 7 });
    const passport = await t.http.get(`/api/v1/trace/${item.traceCode}`).expect(200);
    expect(passport.body.history).toMatchObject({ intact: false, firstBrokenSeq: 7 });
  });
});
