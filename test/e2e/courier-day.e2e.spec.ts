// Issue 22 point 5: the admin's dispatch board (reassign, capacity, 409 on a concurrent
// reassign) and the courier's own day (route with map links, moving a pickup to another window
// with the customer's agreement, handing one back to dispatch, tomorrow at a glance).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import {
  CheckPickupSla,
  DispatchPickups,
  NotifyOwner,
  OpenSupportCase,
  SchedulePickup,
} from '../../src/core/jobs/job-catalogue.js';
import type { JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { DEMO_AREAS, DEMO_CITY } from '../../src/service-areas/engine/demo-areas.js';
import { standardWindows } from '../../src/service-areas/engine/service-area.js';
import {
  addDaysIso,
  localParts,
  zonedTimeToUtc,
} from '../../src/service-areas/engine/time-zone.js';
import type { SchedulePickupPayload } from '../../src/logistics/pickup-scheduling.service.js';
import { allPages } from '../support/http-pages.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

type Stop = {
  id: string;
  stop: number;
  state: string;
  version: number;
  promisedWindow: { start: string; end: string; localDate: string; local: string };
  navigation: { amap: string; baidu: string };
  location: { lat: number; lng: number } | null;
  allowedActions: string[];
};

/** A pickup as GET /api/v1/pickups/:id shows it. */
type PickupView = {
  id: string;
  state: string;
  version: number;
  courierId: string | null;
  promisedWindow: { start: string; end: string; localDate: string; local: string };
  source: { kind: string; id: string };
  address: { lat?: number; lng?: number };
};

/** The local times of window `index` of the standard windows (test areas use them). */
const standardWindow = (index: number) => {
  const w = standardWindows(1)[index];
  return `${w.start}–${w.end}`;
};

describe('dispatch board and the courier’s own day', () => {
  let t: TestApp;
  let admin: TestUser;
  let support: TestUser;
  let owner: TestUser;
  let warehouseOrg: string;
  let registry: JobHandlerRegistry;

  beforeAll(async () => {
    t = await createTestApp();
    registry = t.app.get(JobHandlerRegistry);
    admin = await t.user('admin');
    support = await t.user('support');
    owner = await t.user('customer');
    warehouseOrg = await t.organisation('warehouse');
  });
  afterAll(() => t.close());

  // ---- helpers ---------------------------------------------------------------------------------

  const testArea = async (code: string, capacity = 50) => {
    await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({
        cityCode: code,
        cityName: `Area ${code}`,
        timeZone: 'Asia/Shanghai',
        sameDay: true,
        windows: standardWindows(capacity),
        districts: [{ code: `${code}01`, name: 'Only district' }],
      })
      .expect(201);
  };

  const courierFor = async (areaCodes: string[], capacityPerWindow = 10) => {
    const courier = await t.user('courier');
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow, areaCodes })
      .expect(200);
    return courier;
  };

  const newItem = () =>
    t.dataSource.transaction(async (m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
        state: 'DECLARED',
      }),
    );

  /** Tomorrow (Beijing) at 07:00: the promise is tomorrow's first window with room. */
  const tomorrow = () => {
    const day = addDaysIso(localParts(new Date(), 'Asia/Shanghai').date, 1);
    return { day, at: zonedTimeToUtc(day, '07:00', 'Asia/Shanghai') };
  };

  const runJob = <P>(def: JobDef<P>, payload: P) =>
    registry.get(def.name)!.run(payload, { jobId: randomUUID(), attempt: 1, maxAttempts: 8 });

  /** Runs the real SchedulePickup handler and reads the pickup back. */
  const schedule = async (
    area: string,
    address: Partial<SchedulePickupPayload['address']> = {},
    window?: { date: string; windowIndex: number },
  ) => {
    const item = await newItem();
    const payload: SchedulePickupPayload = {
      direction: 'inbound',
      source: { kind: 'trade-in', id: randomUUID() },
      customerId: owner.id,
      itemIds: [item.id],
      address: {
        cityCode: area,
        districtCode: `${area}01`,
        line1: '1 Test Road',
        contactName: 'Li Wei',
        contactPhone: '+8613800138000',
        ...address,
      },
      warehouseId: warehouseOrg,
      requestedAt: tomorrow().at.toISOString(),
      specialPackaging: false,
      ...(window ? { window } : {}),
    };
    await runJob(SchedulePickup, payload);
    // Read back as an admin lists the area's pickups.
    const listed = await allPages<PickupView>(t, admin, '/api/v1/pickups', {
      areaCode: area,
      direction: 'inbound',
    });
    const scheduled = listed.find((p) => p.source.id === payload.source.id);
    if (!scheduled) throw new Error(`no pickup for ${payload.source.id}`);
    return scheduled;
  };

  const dispatch = (cityCode: string) => runJob(DispatchPickups, { cityCode });
  /** A pickup as GET /api/v1/pickups/:id shows it to an admin. */
  const pickup = async (id: string) =>
    (await t.http.get(`/api/v1/pickups/${id}`).set(admin.auth).expect(200)).body as PickupView;
  /** The pickup's own events, from its timeline (GET /api/v1/timeline?entityId=) as an admin. */
  const history = async (pickupId: string) => {
    const res = await t.http
      .get('/api/v1/timeline')
      .query({ entityId: pickupId })
      .set(admin.auth)
      .expect(200);
    return (
      res.body.events as Array<{
        type: string;
        entityId: string;
        data: Record<string, unknown>;
        actor: { id?: string | null };
      }>
    )
      .filter((e) => e.entityId === pickupId)
      .map((e) => ({ type: e.type, data: e.data, actor_id: e.actor.id }));
  };
  const outbox = <P>(def: JobDef<P>, pickupId: string) =>
    t.dataSource
      .query<Array<{ payload: P; run_at: Date }>>(
        `SELECT payload, run_at FROM outbox WHERE name = $1 AND payload::text LIKE $2 ORDER BY created_at`,
        [def.name, `%${pickupId}%`],
      )
      .then((rows) => rows.map((r) => ({ ...r.payload, runAt: r.run_at })));

  // ---- the dispatch board ------------------------------------------------------------------

  it('shows a day per area: pickups, couriers with load against capacity, the unassigned', async () => {
    await testArea('TBRD');
    const c1 = await courierFor(['TBRD'], 1);
    const c2 = await courierFor(['TBRD'], 1);
    const { day } = tomorrow();
    // Three pickups in the first window; two couriers of capacity one: one stays unassigned.
    const ps = [await schedule('TBRD'), await schedule('TBRD'), await schedule('TBRD')];
    expect(ps.map((p) => p.promisedWindow.local)).toEqual([0, 0, 0].map(standardWindow));
    await dispatch('TBRD');

    const res = await t.http
      .get('/api/v1/pickups/board')
      .query({ date: day, areaCode: 'TBRD' })
      .set(admin.auth)
      .expect(200);
    expect(res.body.date).toBe(day);
    expect(res.body.areas).toEqual([
      expect.objectContaining({
        cityCode: 'TBRD',
        windows: expect.arrayContaining([
          expect.objectContaining({ index: 0, capacity: 50, booked: 3 }),
        ]),
      }),
    ]);
    const couriers = res.body.couriers as Array<{
      userId: string;
      capacityPerWindow: number;
      load: Array<{ windowIndex: number; count: number }>;
      total: number;
    }>;
    expect(couriers.map((c) => c.userId).sort()).toEqual([c1.id, c2.id].sort());
    for (const c of couriers) {
      expect(c).toMatchObject({ capacityPerWindow: 1, load: [{ windowIndex: 0, count: 1 }] });
    }
    const states = (res.body.pickups as Array<{ state: string; courierId: string | null }>)
      .map((p) => p.state)
      .sort();
    expect(states).toEqual(['ASSIGNED', 'ASSIGNED', 'SCHEDULED']);

    // Support reads it; couriers and customers may not; bad input is a 400, an unknown area 404.
    await t.http.get('/api/v1/pickups/board').query({ date: day }).set(support.auth).expect(200);
    await t.http.get('/api/v1/pickups/board').set(c1.auth).expect(403);
    await t.http.get('/api/v1/pickups/board').set(owner.auth).expect(403);
    await t.http
      .get('/api/v1/pickups/board')
      .query({ date: '2026-02-30' })
      .set(admin.auth)
      .expect(400);
    await t.http
      .get('/api/v1/pickups/board')
      .query({ date: 'tomorrow' })
      .set(admin.auth)
      .expect(400);
    await t.http
      .get('/api/v1/pickups/board')
      .query({ areaCode: 'NOPE' })
      .set(admin.auth)
      .expect(404);
  });

  it('reassigns on the board within capacity; a concurrent reassign of the same version gets 409', async () => {
    await testArea('TRAS');
    const a = await courierFor(['TRAS'], 1);
    const b = await courierFor(['TRAS'], 1);
    const c = await courierFor(['TRAS'], 1);
    const p = await schedule('TRAS');
    await t.http
      .post(`/api/v1/pickups/${p.id}/assign`)
      .set(admin.auth)
      .send({ courierId: a.id })
      .expect(200);
    const { version } = await pickup(p.id);

    // Two admins drag the same card at the same moment: one wins, the other is told.
    const [r1, r2] = await Promise.all([
      t.http
        .post(`/api/v1/pickups/${p.id}/assign`)
        .set(admin.auth)
        .send({ courierId: b.id, version }),
      t.http
        .post(`/api/v1/pickups/${p.id}/assign`)
        .set(admin.auth)
        .send({ courierId: c.id, version }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const loser = r1.status === 409 ? r1 : r2;
    expect(loser.body).toMatchObject({ state: 'ASSIGNED', version: version + 1 });
    const winner = r1.status === 200 ? b : c;
    expect((await pickup(p.id)).courierId).toBe(winner.id);

    // The winner is now full in that window: another pickup there is refused, not overloaded.
    const q = await schedule('TRAS');
    expect(q.promisedWindow.local).toBe(p.promisedWindow.local);
    const full = await t.http
      .post(`/api/v1/pickups/${q.id}/assign`)
      .set(admin.auth)
      .send({ courierId: winner.id })
      .expect(409);
    expect(full.body).toMatchObject({ code: 'conflict', details: { reason: 'courier-full' } });
    // A stale version after the change is a 409 too.
    await t.http
      .post(`/api/v1/pickups/${p.id}/assign`)
      .set(admin.auth)
      .send({ courierId: a.id, version })
      .expect(409);
  });

  // ---- the courier's own day -----------------------------------------------------------------

  it('gives the courier their stops as a route with map links, and only theirs', async () => {
    // Shanghai itself: the route starts from the city centre.
    await t.http
      .post('/api/v1/service-areas')
      .set(admin.auth)
      .send({
        ...DEMO_AREAS.find((a) => a.cityCode === DEMO_CITY.shanghai)!,
        districts: [{ code: '31010001', name: 'Test district' }],
      })
      .expect(201);
    const me = await courierFor(['310100'], 10);
    const { day } = tomorrow();
    // Window 0: three stops east of the Shanghai centre, booked out of order; one without coordinates.
    const east = (km: number) => ({ lat: 31.2304, lng: 121.4737 + km / 95 });
    const far = await schedule('310100', { ...east(8), contactName: 'Far' });
    const near = await schedule('310100', { ...east(1), contactName: 'Near' });
    const mid = await schedule('310100', { ...east(4), contactName: 'Mid' });
    const noCoords = await schedule('310100', { line1: '88 Huaihai Road', contactName: 'Street' });
    const later = await schedule('310100', { ...east(0.5) }, { date: day, windowIndex: 2 });
    for (const p of [far, near, mid, noCoords, later]) {
      await t.http
        .post(`/api/v1/pickups/${p.id}/assign`)
        .set(admin.auth)
        .send({ courierId: me.id })
        .expect(200);
    }
    // Someone else's pickup the same day never shows.
    const other = await courierFor(['310100'], 10);
    const theirs = await schedule('310100');
    await t.http
      .post(`/api/v1/pickups/${theirs.id}/assign`)
      .set(admin.auth)
      .send({ courierId: other.id })
      .expect(200);

    const res = await t.http
      .get('/api/v1/pickups/route')
      .query({ date: day })
      .set(me.auth)
      .expect(200);
    const stops = res.body.stops as Stop[];
    expect(stops.map((s) => s.id)).toEqual([near.id, mid.id, far.id, noCoords.id, later.id]);
    expect(stops.map((s) => s.stop)).toEqual([1, 2, 3, 4, 5]);
    expect(stops[0].navigation.amap).toBe(
      `https://uri.amap.com/navigation?to=${near.address.lng},${near.address.lat},Near&mode=car&callnative=1`,
    );
    expect(stops[3].location).toBeNull();
    expect(decodeURIComponent(stops[3].navigation.amap)).toContain('88 Huaihai Road');
    expect(stops[0].allowedActions).toEqual(
      expect.arrayContaining(['start', 'move-window', 'hand-back']),
    );

    // Tomorrow at a glance, read the day before: five stops, two windows, one area.
    const before = await t.http
      .get('/api/v1/pickups/route')
      .query({ date: addDaysIso(day, -1) })
      .set(me.auth)
      .expect(200);
    expect(before.body.tomorrow).toMatchObject({
      date: day,
      count: 5,
      windows: [
        { key: '09:00–11:00', count: 4 },
        { key: '13:00–15:00', count: 1 },
      ],
      areas: [{ key: '310100', count: 5, name: 'Shanghai' }],
    });
    await t.http.get('/api/v1/pickups/route').set(admin.auth).expect(403);
    await t.http.get('/api/v1/pickups/route').query({ date: '5 May' }).set(me.auth).expect(400);
  });

  it('moves a pickup to another free window with the customer’s agreement; the customer is told', async () => {
    await testArea('TMOV', 1);
    const me = await courierFor(['TMOV'], 5);
    const { day } = tomorrow();
    const p = await schedule('TMOV');
    await t.http
      .post(`/api/v1/pickups/${p.id}/assign`)
      .set(admin.auth)
      .send({ courierId: me.id })
      .expect(200);
    const assigned = await pickup(p.id);
    // Window 1 is taken by someone else's booking (area capacity 1): full.
    const blocker = await schedule('TMOV', {}, { date: day, windowIndex: 1 });
    expect(blocker.promisedWindow.local).toBe(standardWindow(1));
    const agreement = { agreedBy: 'Li Wei', channel: 'phone' };

    const full = await t.http
      .post(`/api/v1/pickups/${p.id}/move-window`)
      .set(me.auth)
      .send({ date: day, windowIndex: 1, agreement, version: assigned.version })
      .expect(409);
    expect(full.body).toMatchObject({ code: 'pickup_window_full' });
    // Bad input: no agreement, an unknown channel, the same window, a window that does not exist,
    // an agreement in the future.
    for (const body of [
      { date: day, windowIndex: 3 },
      { date: day, windowIndex: 3, agreement: { agreedBy: 'Li Wei', channel: 'sms' } },
      { date: day, windowIndex: 3, agreement: { agreedBy: '  ', channel: 'phone' } },
      { date: day, windowIndex: 0, agreement },
      { date: day, windowIndex: 9, agreement },
      {
        date: day,
        windowIndex: 3,
        agreement: { ...agreement, agreedAt: new Date(Date.now() + 3600_000).toISOString() },
      },
    ]) {
      await t.http.post(`/api/v1/pickups/${p.id}/move-window`).set(me.auth).send(body).expect(400);
    }
    // Another courier cannot see it, let alone move it.
    const stranger = await courierFor(['TMOV'], 5);
    await t.http
      .post(`/api/v1/pickups/${p.id}/move-window`)
      .set(stranger.auth)
      .send({ date: day, windowIndex: 3, agreement })
      .expect(404);

    const agreedAt = new Date(Date.now() - 60_000).toISOString();
    const moved = await t.http
      .post(`/api/v1/pickups/${p.id}/move-window`)
      .set(me.auth)
      .set('Idempotency-Key', `move-${p.id}`)
      .send({
        date: day,
        windowIndex: 3,
        agreement: { agreedBy: 'Li Wei', channel: 'in-person', agreedAt },
        version: assigned.version,
      })
      .expect(200);
    expect(moved.body).toMatchObject({
      state: 'ASSIGNED',
      courierId: me.id,
      promisedWindow: { localDate: day, local: '15:00–17:00' },
    });
    // A retry with the same key answers the same and moves nothing again.
    const retry = await t.http
      .post(`/api/v1/pickups/${p.id}/move-window`)
      .set(me.auth)
      .set('Idempotency-Key', `move-${p.id}`)
      .send({
        date: day,
        windowIndex: 3,
        agreement: { agreedBy: 'Li Wei', channel: 'in-person', agreedAt },
        version: assigned.version,
      })
      .expect(200);
    expect(retry.body.version).toBe(moved.body.version);

    const after = await pickup(p.id);
    // Window 3 of the standard windows: 15:00–17:00.
    expect(after.promisedWindow).toMatchObject({ localDate: day, local: '15:00–17:00' });
    const entry = (await history(p.id)).find((e) => e.data.agreement);
    expect(entry?.data).toMatchObject({
      agreement: { agreedBy: 'Li Wei', channel: 'in-person', agreedAt, recordedBy: me.id },
      from: { local: '09:00–11:00' },
      to: { local: '15:00–17:00' },
    });
    // The customer is told through the owner-notification path.
    expect(await outbox(NotifyOwner, p.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: owner.id, template: 'pickup-moved' }),
      ]),
    );
    await eventually(async () => {
      const rows = await t.dataSource.query<Array<{ template: string }>>(
        `SELECT template FROM owner_notifications WHERE user_id = $1 AND template = 'pickup-moved'`,
        [owner.id],
      );
      return rows.length === 1 ? rows : null;
    });
    // A new SLA timer for the new window; the old window's timer does nothing.
    const timers = await outbox(CheckPickupSla, p.id);
    expect(timers.map((x) => x.windowEnd)).toEqual([
      assigned.promisedWindow.end,
      after.promisedWindow.end,
    ]);
    await runJob(CheckPickupSla, timers[0]);
    expect(await outbox(OpenSupportCase, p.id)).toEqual([]);

    // Not ASSIGNED any more (started): moving is a 409 naming the state.
    await t.http.post(`/api/v1/pickups/${p.id}/start`).set(me.auth).send({}).expect(200);
    const started = await t.http
      .post(`/api/v1/pickups/${p.id}/move-window`)
      .set(me.auth)
      .send({ date: day, windowIndex: 4, agreement })
      .expect(409);
    expect(started.body).toMatchObject({ state: 'EN_ROUTE' });
  });

  it('refuses a move into a window where the courier is already full', async () => {
    await testArea('TCFL', 10);
    const me = await courierFor(['TCFL'], 1);
    const { day } = tomorrow();
    const p = await schedule('TCFL');
    const q = await schedule('TCFL', {}, { date: day, windowIndex: 2 });
    for (const x of [p, q]) {
      await t.http
        .post(`/api/v1/pickups/${x.id}/assign`)
        .set(admin.auth)
        .send({ courierId: me.id })
        .expect(200);
    }
    const res = await t.http
      .post(`/api/v1/pickups/${p.id}/move-window`)
      .set(me.auth)
      .send({ date: day, windowIndex: 2, agreement: { agreedBy: 'Li Wei', channel: 'phone' } })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'courier_window_full' });
  });

  it('hands a pickup back to dispatch with a reason; dispatch gives it to someone else', async () => {
    await testArea('THBK');
    const me = await courierFor(['THBK'], 5);
    const p = await schedule('THBK');
    await t.http
      .post(`/api/v1/pickups/${p.id}/assign`)
      .set(admin.auth)
      .send({ courierId: me.id })
      .expect(200);
    const stranger = await courierFor(['310100'], 5);
    await t.http
      .post(`/api/v1/pickups/${p.id}/hand-back`)
      .set(stranger.auth)
      .send({ reason: 'overloaded' })
      .expect(404);
    await t.http
      .post(`/api/v1/pickups/${p.id}/hand-back`)
      .set(me.auth)
      .send({ reason: 'other' })
      .expect(400);
    await t.http
      .post(`/api/v1/pickups/${p.id}/hand-back`)
      .set(me.auth)
      .send({ reason: 'bored' })
      .expect(400);

    const res = await t.http
      .post(`/api/v1/pickups/${p.id}/hand-back`)
      .set(me.auth)
      .send({ reason: 'vehicle-problem', note: 'flat tyre' })
      .expect(200);
    expect(res.body).toMatchObject({ state: 'SCHEDULED', courierId: null });
    // No longer theirs.
    await t.http.get(`/api/v1/pickups/${p.id}`).set(me.auth).expect(404);
    const entry = (await history(p.id)).find((e) => e.data.reason === 'vehicle-problem');
    expect(entry).toMatchObject({
      actor_id: me.id,
      data: { reason: 'vehicle-problem', note: 'flat tyre', courierId: me.id },
    });

    // The only courier of the area handed it back: dispatch leaves it for a person.
    await dispatch('THBK');
    expect(await pickup(p.id)).toMatchObject({ state: 'SCHEDULED', courierId: null });
    // A second courier arrives: the next run (the sweep, or the kick) gives it to them.
    const next = await courierFor(['THBK'], 5);
    await eventually(async () => {
      await dispatch('THBK');
      const x = await pickup(p.id);
      return x.state === 'ASSIGNED' ? x : null;
    });
    expect((await pickup(p.id)).courierId).toBe(next.id);
    // An admin may still give it back to the first courier on the board, knowingly.
    await t.http
      .post(`/api/v1/pickups/${p.id}/assign`)
      .set(admin.auth)
      .send({ courierId: me.id })
      .expect(200);
  });
});
