// Moved from test/e2e/logistics.e2e.spec.ts (issue 20 point 5): these tests run the pickup jobs'
// handlers directly (SchedulePickup, CancelPickup, CheckPickupSla; twice, to prove they are
// idempotent), set the request time through the job's payload, and check the outbox rows the
// handlers write (shipment updates, SLA timers, support cases), so their subject is the job
// handlers, not the HTTP surface. The HTTP calls they make (service areas, couriers, a
// courier's start and collect) stay as they were.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Item } from '../../src/core/items/item.entity.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import {
  CancelPickup,
  CheckPickupSla,
  OpenSupportCase,
  SchedulePickup,
  type ShipmentUpdatePayload,
} from '../../src/core/jobs/job-catalogue.js';
import { job, type JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { DEMO_AREAS, DEMO_CITY } from '../../src/service-areas/engine/demo-areas.js';
import { standardWindows } from '../../src/service-areas/engine/service-area.js';
import {
  addDaysIso,
  localParts,
  zonedTimeToUtc,
} from '../../src/service-areas/engine/time-zone.js';
import { Pickup } from '../../src/logistics/data/pickup.entity.js';
import type { SchedulePickupPayload } from '../../src/logistics/pickup-scheduling.service.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';

describe('reverse logistics', () => {
  let t: TestApp;
  let admin: TestUser;
  let owner: TestUser;
  let warehouseOrg: string;
  let registry: JobHandlerRegistry;

  beforeAll(async () => {
    t = await createTestApp();
    registry = t.app.get(JobHandlerRegistry);
    admin = await t.user('admin');
    owner = await t.user('customer');
    warehouseOrg = await t.organisation('warehouse');
    for (const code of [DEMO_CITY.shanghai, DEMO_CITY.urumqi]) {
      const a = DEMO_AREAS.find((x) => x.cityCode === code)!;
      await t.http.post('/api/v1/service-areas').set(admin.auth).send(a).expect(201);
    }
  });
  afterAll(() => t.close());

  // ---- helpers ---------------------------------------------------------------------------------

  /** A one-district area of its own, so scenarios do not share capacity or couriers. */
  const testArea = async (code: string, capacity = 50, extra: Record<string, unknown> = {}) => {
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
        ...extra,
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

  const newItems = (
    n: number,
    opts: { erasure?: 'pending' | 'not_required'; state?: 'DECLARED' | 'RECEIVED' } = {},
  ) =>
    t.dataSource.transaction(async (m) => {
      const items: Item[] = [];
      for (let i = 0; i < n; i++) {
        items.push(
          await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
            ownerId: owner.id,
            custodian:
              opts.state === 'RECEIVED'
                ? { kind: 'warehouse', id: warehouseOrg }
                : { kind: 'owner', id: owner.id },
            erasureStatus: opts.erasure ?? 'not_required',
            state: opts.state ?? 'DECLARED',
          }),
        );
      }
      return items;
    });

  const payloadFor = (
    cityCode: string,
    districtCode: string,
    items: Item[],
    over: Partial<SchedulePickupPayload> = {},
  ): SchedulePickupPayload => ({
    direction: 'inbound',
    source: { kind: 'trade-in', id: randomUUID() },
    customerId: owner.id,
    itemIds: items.map((i) => i.id),
    address: {
      cityCode,
      districtCode,
      line1: '1 Test Road',
      contactName: 'Li Wei',
      contactPhone: '+8613800138000',
    },
    warehouseId: warehouseOrg,
    requestedAt: new Date().toISOString(),
    specialPackaging: false,
    ...over,
  });

  /** Runs the real SchedulePickup handler (as the worker would) and reads the pickup back. */
  const schedule = async (payload: SchedulePickupPayload) => {
    await registry
      .get(SchedulePickup.name)!
      .run(payload, { jobId: randomUUID(), attempt: 1, maxAttempts: 8 });
    return t.dataSource.getRepository(Pickup).findOneByOrFail({
      sourceId: payload.source.id,
      direction: payload.direction,
    });
  };

  const runJob = <P>(def: JobDef<P>, payload: P) =>
    registry.get(def.name)!.run(payload, { jobId: randomUUID(), attempt: 1, maxAttempts: 8 });

  const outbox = async <P>(def: JobDef<P>, where: string, params: unknown[]) =>
    (
      await t.dataSource.query<Array<{ payload: P; run_at: Date }>>(
        `SELECT payload, run_at FROM outbox WHERE name = $1 AND ${where} ORDER BY created_at`,
        [def.name, ...params],
      )
    ).map((r) => ({ ...r.payload, runAt: r.run_at }));

  const shipmentUpdates = (pickupId: string) =>
    t.dataSource
      .query<Array<{ payload: ShipmentUpdatePayload }>>(
        `SELECT payload FROM outbox WHERE name = 'trade-in-shipment-update'
          AND payload->>'pickupId' = $1 ORDER BY created_at`,
        [pickupId],
      )
      .then((rows) => rows.map((r) => r.payload));

  const pickupState = (id: string) => t.dataSource.getRepository(Pickup).findOneByOrFail({ id });

  const assignedTo = (id: string, courierId: string) =>
    eventually(async () => {
      const p = await pickupState(id);
      return p.state === 'ASSIGNED' && p.courierId === courierId ? p : null;
    });

  const local = (tz: string, daysAhead: number, time: string) => {
    const day = addDaysIso(localParts(new Date(), tz).date, daysAhead);
    return { day, at: zonedTimeToUtc(day, time, tz) };
  };

  // ---- the SLA promise and the pickup jobs ------------------------------------------------

  it('promises the same day at 14:59 and the next day at 15:00 (Asia/Shanghai)', async () => {
    const items = await newItems(2);
    const { day, at } = local('Asia/Shanghai', 1, '14:59');
    const before = await schedule(
      payloadFor('310100', '310106', [items[0]], { requestedAt: at.toISOString() }),
    );
    expect(before).toMatchObject({ state: 'SCHEDULED', promisedDate: day, sameDay: true });
    // 14:59 plus the one-hour lead: the 15:00 window is too close, 17:00–19:00 it is.
    expect(before.windowIndex).toBe(4);
    expect(before.windowStart.toISOString()).toBe(
      zonedTimeToUtc(day, '17:00', 'Asia/Shanghai').toISOString(),
    );

    const after = await schedule(
      payloadFor('310100', '310106', [items[1]], {
        requestedAt: new Date(at.getTime() + 60_000).toISOString(),
      }),
    );
    expect(after).toMatchObject({
      promisedDate: addDaysIso(day, 1),
      sameDay: false,
      windowIndex: 0,
    });
    expect(after.windowStart.toISOString()).toBe(
      zonedTimeToUtc(addDaysIso(day, 1), '09:00', 'Asia/Shanghai').toISOString(),
    );
    // The owner's stage hears about the promise; the SLA timer waits for the window's end.
    const [update] = await shipmentUpdates(after.id);
    expect(update).toMatchObject({
      event: 'scheduled',
      direction: 'inbound',
      promisedWindow: {
        start: after.windowStart.toISOString(),
        end: after.windowEnd.toISOString(),
      },
    });
    const timers = await outbox(CheckPickupSla, `payload->>'pickupId' = $2`, [after.id]);
    expect(timers).toHaveLength(1);
    expect(timers[0].runAt.toISOString()).toBe(after.windowEnd.toISOString());
  });

  it('reads the cut-off in the area’s own time zone (Asia/Urumqi, UTC+6)', async () => {
    const items = await newItems(2);
    const { day, at } = local('Asia/Urumqi', 1, '14:59');
    const before = await schedule(
      payloadFor('650100', '650102', [items[0]], { requestedAt: at.toISOString() }),
    );
    // 14:59 in Ürümqi is 16:59 in Beijing, yet still before the local cut-off: same day.
    expect(before).toMatchObject({ promisedDate: day, sameDay: true, windowIndex: 3 });
    expect(before.windowStart.toISOString()).toBe(
      zonedTimeToUtc(day, '16:00', 'Asia/Urumqi').toISOString(),
    );
    const after = await schedule(
      payloadFor('650100', '650102', [items[1]], {
        requestedAt: new Date(at.getTime() + 60_000).toISOString(),
      }),
    );
    expect(after).toMatchObject({ promisedDate: addDaysIso(day, 1), sameDay: false });
    expect(after.windowStart.toISOString()).toBe(
      zonedTimeToUtc(addDaysIso(day, 1), '09:00', 'Asia/Urumqi').toISOString(),
    );
  });

  it('rolls a full window over to the next one', async () => {
    await testArea('TCAP', 1);
    const { day, at } = local('Asia/Shanghai', 1, '07:00');
    const windows: number[] = [];
    for (let i = 0; i < 3; i++) {
      const items = await newItems(1);
      const p = await schedule(
        payloadFor('TCAP', 'TCAP01', items, { requestedAt: at.toISOString() }),
      );
      expect(p.promisedDate).toBe(day);
      windows.push(p.windowIndex);
    }
    expect(windows).toEqual([0, 1, 2]);
  });

  it('schedules once per source and direction, also through the outbox', async () => {
    const items = await newItems(1);
    const payload = payloadFor('310100', '310104', items);
    await t.dataSource.transaction((m) =>
      t.app.get(OutboxService).write(m, [job(SchedulePickup, payload)]),
    );
    const created = await eventually(() =>
      t.dataSource
        .getRepository(Pickup)
        .findOneBy({ sourceId: payload.source.id, direction: 'inbound' }),
    );
    const again = await schedule(payload);
    expect(again.id).toBe(created.id);
    const count = await t.dataSource.getRepository(Pickup).countBy({ sourceId: payload.source.id });
    expect(count).toBe(1);
    expect(await shipmentUpdates(created.id)).toHaveLength(1);
  });

  it('calls a pickup off when the asking stage cancels, once, and waits if not scheduled yet', async () => {
    const items = await newItems(1);
    const payload = payloadFor('310100', '310104', items);
    const cancel = { source: payload.source, direction: 'inbound' as const, reason: 'cancelled' };
    const handler = t.app.get(JobHandlerRegistry).get(CancelPickup.name);
    const ctx = { jobId: 'cancel', attempt: 1, maxAttempts: 8 };
    // The jobs crossed: nothing to cancel yet, so the job fails and is retried.
    await expect(handler?.run(cancel, ctx)).rejects.toThrow('No pickup');
    const created = await schedule(payload);
    await handler?.run(cancel, ctx);
    await handler?.run(cancel, ctx); // delivered twice
    const after = await t.dataSource.getRepository(Pickup).findOneByOrFail({ id: created.id });
    expect(after.state).toBe('CANCELLED');
    expect(after.version).toBe(created.version + 1);
  });

  it('opens a support case and tells the owner when a window ends uncollected', async () => {
    await testArea('TLATE');
    // Ordered three days ago: the promised window has long ended, so the timer fires at once.
    const requestedAt = new Date(Date.now() - 3 * 86_400_000);
    const p = await schedule(
      payloadFor('TLATE', 'TLATE01', await newItems(1), {
        requestedAt: requestedAt.toISOString(),
      }),
    );
    expect(p.windowEnd.getTime()).toBeLessThan(Date.now());
    const openCase = OpenSupportCase;
    const cases = await eventually(async () => {
      const rows = await outbox(openCase, `payload->'detail'->>'pickupId' = $2`, [p.id]);
      return rows.length ? rows : null;
    });
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      kind: 'late-pickup',
      dedupeKey: `late-pickup:${p.id}:1`,
      customerId: owner.id,
      orderRef: { kind: 'trade-in', id: p.sourceId },
    });
    await eventually(async () => {
      const rows = await t.dataSource.query(
        `SELECT 1 FROM owner_notifications WHERE template = 'pickup-late' AND params->>'pickupId' = $1`,
        [p.id],
      );
      return rows.length === 1;
    });
    // Delivered twice: one case.
    await runJob(CheckPickupSla, { pickupId: p.id, attempt: 1 });
    expect(await outbox(openCase, `payload->'detail'->>'pickupId' = $2`, [p.id])).toHaveLength(1);
    expect((await pickupState(p.id)).lateAttempt).toBe(1);
  });

  it('does nothing at the end of the window when the pickup was collected', async () => {
    await testArea('TONT');
    const c = await courierFor(['TONT']);
    const items = await newItems(1);
    const p = await schedule(payloadFor('TONT', 'TONT01', items));
    await assignedTo(p.id, c.id);
    await t.http.post(`/api/v1/pickups/${p.id}/start`).set(c.auth).send({}).expect(200);
    await t.http
      .post(`/api/v1/pickups/${p.id}/collect`)
      .set(c.auth)
      .send({ traceCodes: [items[0].traceCode] })
      .expect(200);
    await runJob(CheckPickupSla, { pickupId: p.id, attempt: 1 });
    const rows = await t.dataSource.query(
      `SELECT 1 FROM outbox WHERE name = 'open-support-case' AND payload->'detail'->>'pickupId' = $1`,
      [p.id],
    );
    expect(rows).toHaveLength(0);
  });
});
