// Moved from test/e2e/erasure.e2e.spec.ts (issue 20 point 5): the first test runs the RunErasure
// job handler by hand (twice, concurrently) and counts outbox and certificate rows, owner
// notifications and item_events in the database, trying a duplicate certificate row against its
// constraint; the second moves the item through TransitionService to check the item machine's
// erasure guard. Their subject is the job handler, the stored rows and the machine, not the HTTP
// surface. The set-up is the e2e file's (items registered through ItemsService, wipes started
// through the outbox, media and reports over HTTP); the HTTP steps stay as they were.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { RunErasure, StartErasure } from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { OutboxService } from '../../src/core/outbox/outbox.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { SimulatedStation } from '../../src/erasure/domain/index.js';
import { ErasureStations } from '../../src/erasure/stations.js';
import { registerStation, type TestStation } from '../support/stations.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf } from '../support/reads.js';

const blancco = (serial: string) =>
  JSON.stringify({
    report: {
      software: { name: 'Blancco Mobile Diagnostics & Erasure', version: '5.2.1' },
      erasures: [
        {
          target: { serial, vendor: 'Apple', model: 'iPhone 12', capacity: '128 GB' },
          method: { name: 'Cryptographic Erasure', passes: 1 },
          verification: { method: 'Full', result: 'Passed' },
          state: 'Successful',
          start_time: '2026-11-02T08:00:00Z',
          end_time: '2026-11-02T08:05:00Z',
          operator: 'Zhang San',
        },
      ],
    },
  });

interface ErasureBody {
  id: string;
  state: string;
  version: number;
  attempt: number;
  allowedActions: string[];
  runs: unknown[];
  policy: string;
  operator: { id: string; name: string };
  sampling: { sampled: boolean; reverifierId: string | null };
  certificate: { id: string; certificateId: string; revoked: boolean } | null;
}

describe('erasure: the wipe job, stored rows and the machine guard', () => {
  let t: TestApp;
  let ds: DataSource;
  let items: ItemsService;
  let stations: ErasureStations;
  let warehouse: TestUser;
  let owner: TestUser;
  let station: TestStation;

  beforeAll(async () => {
    t = await createTestApp({
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
      ERASURE_SIM_SEED: 'erasure-e2e',
      ERASURE_RETRY_BASE_DELAY_MS: '50',
    });
    ds = t.dataSource;
    items = t.app.get(ItemsService);
    stations = t.app.get(ErasureStations);
    warehouse = await t.user('warehouse');
    owner = await t.user('customer');
    // Imported reports count only when signed by a registered station of the warehouse.
    station = await registerStation(t, await t.user('admin'), warehouse.organisationId!);
  });
  afterAll(() => t.close());

  const reliable = () =>
    stations.use(new SimulatedStation({ seed: 'ok', failureRate: 0, verificationFailureRate: 0 }));

  const newItem = () =>
    ds.transaction((m) =>
      items.register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'warehouse', id: warehouse.organisationId },
        erasureStatus: 'pending',
        state: 'RECEIVED',
      }),
    );

  const addMedium = async (itemId: string, body: Record<string, unknown>) => {
    const res = await t.http
      .post(`/api/v1/items/${itemId}/storage-media`)
      .set(warehouse.auth)
      .send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  const startThroughOutbox = (itemId: string) =>
    ds.transaction((m) =>
      t.app.get(OutboxService).write(m, [
        job(StartErasure, {
          itemId,
          at: 'warehouse',
          organisationId: warehouse.organisationId,
          requestedBy: null,
        }),
      ]),
    );

  const erasuresOf = async (itemId: string) => {
    const res = await t.http.get(`/api/v1/erasures?itemId=${itemId}`).set(warehouse.auth);
    expect(res.status).toBe(200);
    return res.body.items as ErasureBody[];
  };

  /** An import-report body signed by the warehouse's station. */
  const signed = (erasureId: string, content: string) => ({
    content,
    ...station.signReport(erasureId, content),
  });

  const itemRow = (id: string) => itemOf(t, id);
  const count = async (sql: string, params: unknown[]) =>
    Number((await ds.query<Array<{ n: number }>>(sql, params))[0].n);

  it('wipes both drives of a laptop, once each, even when every job runs twice', async () => {
    reliable();
    const laptop = await newItem();
    await addMedium(laptop.id, {
      mediaType: 'hdd',
      serial: 'Z1D5ABCD',
      manufacturer: 'Seagate',
      model: 'ST1000DM003',
      capacityBytes: 1_000_204_886_016,
    });
    await addMedium(laptop.id, {
      mediaType: 'ssd',
      serial: 'S4EWNX0N123456',
      capacityBytes: 512e9,
    });
    expect((await itemRow(laptop.id)).erasureStatus).toBe('pending');

    // StartErasure delivered twice: still one wipe per medium.
    await startThroughOutbox(laptop.id);
    await startThroughOutbox(laptop.id);
    const done = await eventually(async () => {
      const list = await erasuresOf(laptop.id);
      return list.length === 2 && list.every((e) => e.state === 'SUCCEEDED') ? list : null;
    });
    expect(done.map((e) => e.policy)).toEqual(['nist-purge', 'nist-purge']); // before 2027
    expect((await itemRow(laptop.id)).erasureStatus).toBe('certified');

    // The wipe job run again (duplicate delivery, concurrently, and once more through the queue).
    const handler = t.app.get(JobHandlerRegistry).get(RunErasure.name)!;
    const ctx = { jobId: 'dup', attempt: 1, maxAttempts: 1 };
    await Promise.all(
      done.flatMap((e) => [
        handler.run({ erasureId: e.id, attempt: 1 }, ctx),
        handler.run({ erasureId: e.id, attempt: 1 }, ctx),
      ]),
    );
    await ds.transaction((m) =>
      t.app.get(OutboxService).write(m, [job(RunErasure, { erasureId: done[0].id, attempt: 1 })]),
    );
    await eventually(async () =>
      count('SELECT count(*)::int AS n FROM outbox WHERE name = $1 AND completed_at IS NULL', [
        RunErasure.name,
      ]).then((n) => n === 0),
    );
    expect(
      await count('SELECT count(*)::int AS n FROM certificates WHERE item_id = $1', [laptop.id]),
    ).toBe(2);
    // The database is the last guard: a second certificate for one wipe is refused.
    await expect(
      ds.query(
        `INSERT INTO certificates (number, kind, erasure_id, medium_id, item_id, document, signature, key_id, issued_at)
         SELECT 'SC-DUPLICATE', kind, erasure_id, medium_id, item_id, document, signature, key_id, now()
           FROM certificates WHERE erasure_id = $1`,
        [done[0].id],
      ),
    ).rejects.toThrow(/certificates_one_per_wipe/);

    // The owner hears about it once, with the certificate ids.
    const notes = await eventually(async () => {
      const rows = await ds.query<Array<{ params: { certificateIds: string[] } }>>(
        `SELECT params FROM owner_notifications WHERE user_id = $1 AND template = 'erasure-certified'`,
        [owner.id],
      );
      return rows.length > 0 ? rows : null;
    });
    expect(notes).toHaveLength(1);
    expect(notes[0].params.certificateIds).toHaveLength(2);
    expect(notes[0].params.certificateIds).toContain(done[0].certificate!.certificateId);

    // The history shows the journey of each wipe.
    const events = await ds.query<Array<{ type: string }>>(
      `SELECT type FROM item_events WHERE entity_id = $1 ORDER BY seq`,
      [done[0].id],
    );
    expect(events.map((e) => e.type)).toEqual([
      'Erasure.created',
      'Erasure.start',
      'Erasure.verify',
      'Erasure.certify',
    ]);
  });

  it('keeps an unwiped item from being allocated, and lets it through once certified', async () => {
    stations.use(null);
    try {
      const tablet = await newItem();
      await addMedium(tablet.id, { mediaType: 'emmc', serial: 'EMMC-0001', capacityBytes: 64e9 });
      const transitions = t.app.get(TransitionService);
      await transitions.apply(ItemMachine, {
        id: tablet.id,
        action: 'make-available',
        actor: SYSTEM_ACTOR,
      });
      const refused = await transitions
        .apply(ItemMachine, { id: tablet.id, action: 'allocate', actor: SYSTEM_ACTOR })
        .catch((e: unknown) => e);
      expect((refused as { getStatus(): number }).getStatus()).toBe(409);
      expect((refused as Error).message).toContain('erasure certificate');

      const started = await t.http
        .post(`/api/v1/items/${tablet.id}/start-erasure`)
        .set(warehouse.auth);
      const e = (started.body.items as ErasureBody[])[0];
      const imported = await t.http
        .post(`/api/v1/erasures/${e.id}/import-report`)
        .set(warehouse.auth)
        .send(
          signed(e.id, blancco('EMMC-0001').replace('Cryptographic Erasure', 'eMMC Block Erase')),
        );
      expect(imported.body.state).toBe('SUCCEEDED');
      const allocated = await transitions.apply(ItemMachine, {
        id: tablet.id,
        action: 'allocate',
        actor: SYSTEM_ACTOR,
      });
      expect(allocated.state).toBe('ALLOCATED');

      // Sold, returned by the buyer, received again: the buyer's data must be wiped too.
      reliable();
      for (const action of ['list', 'sell', 'return-by-buyer']) {
        await transitions.apply(ItemMachine, { id: tablet.id, action, actor: SYSTEM_ACTOR });
      }
      await transitions.apply(ItemMachine, {
        id: tablet.id,
        action: 'receive',
        actor: SYSTEM_ACTOR,
        patch: { erasureStatus: 'pending' },
      });
      await startThroughOutbox(tablet.id);
      const rewiped = await eventually(async () => {
        const list = await erasuresOf(tablet.id);
        return list.length === 2 && list.every((x) => x.state === 'SUCCEEDED') ? list : null;
      });
      expect(new Set(rewiped.map((x) => x.certificate!.id)).size).toBe(2);
      expect((await itemRow(tablet.id)).erasureStatus).toBe('certified');
    } finally {
      reliable();
    }
  });
});
