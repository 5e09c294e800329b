import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ParcelDelivered } from '../../src/core/jobs/job-catalogue.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { uploadPhoto } from '../support/photos.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { loadCatalog } from '../support/fixtures.js';
import { leafByCode } from '../support/reads.js';

/** Photos attached to the things they show, and seen by exactly the parties who see those. */
describe('photos on inspections, pickups, listings and cases', () => {
  let t: TestApp;
  let grader: TestUser;
  let colleague: TestUser;
  let otherWarehouse: TestUser;
  let admin: TestUser;
  let owner: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    await loadCatalog(t);
    grader = await t.user('warehouse');
    colleague = await t.user('warehouse', { organisationId: grader.organisationId! });
    otherWarehouse = await t.user('warehouse');
    admin = await t.user('admin');
    owner = await t.user('customer');
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 0 })
      .expect(200);
  });
  afterAll(() => t.close());

  /** A phone delivered to the grader's warehouse and received: its open inspection. */
  const queuedInspection = async (): Promise<{ id: string; itemId: string }> => {
    const leaf = await leafByCode(t, 'smartphones');
    const item: Item = await t.dataSource.transaction(async (manager) => {
      const created = await t.app.get(ItemsService).register(manager, SYSTEM_ACTOR, {
        categoryId: leaf.id,
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
      });
      return t.app.get(TransitionService).apply(ItemMachine, {
        manager,
        id: created.id,
        action: 'collect',
        actor: SYSTEM_ACTOR,
        patch: { custodianKind: 'courier', custodianId: null },
      });
    });
    const pickupId = randomUUID();
    await t.app
      .get(JobHandlerRegistry)
      .get(ParcelDelivered.name)!
      .run(
        {
          pickupId,
          warehouseId: grader.organisationId!,
          sealNumber: null,
          itemIds: [item.id],
          source: { kind: 'trade-in' as const, id: randomUUID() },
          deliveredAt: new Date().toISOString(),
        },
        { jobId: 'test', attempt: 1, maxAttempts: 1 },
      );
    const [parcel] = await t.dataSource.query('SELECT id FROM parcels WHERE pickup_id = $1', [
      pickupId,
    ]);
    await t.http
      .post(`/api/v1/receiving/parcels/${parcel.id}/receive`)
      .set(grader.auth)
      .send({ traceCodes: [item.traceCode] })
      .expect(200);
    const res = await t.http
      .get(`/api/v1/inspections?itemId=${item.id}&state=PENDING`)
      .set(grader.auth)
      .expect(200);
    return res.body.items[0];
  };

  it('a grader grades with uploaded photos; the report shows them to the warehouse only', async () => {
    const inspection = await queuedInspection();
    const claimed = await t.http
      .post(`/api/v1/inspections/${inspection.id}/claim`)
      .set(grader.auth)
      .send({})
      .expect(200);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await uploadPhoto(t, grader, 'inspection'));
    const extra = await uploadPhoto(t, grader, 'inspection');

    // Too few photos for the standard (4): refused, nothing attached.
    const few = await t.http
      .post(`/api/v1/inspections/${inspection.id}/complete`)
      .set(grader.auth)
      .send({ answers: { ...idealAnswers(PHONE_STANDARD), photos: ids.slice(0, 3) } })
      .expect(400);
    expect(JSON.stringify(few.body)).toContain('answers.photos');

    // Another warehouse's photo, or a photo taken for something else, is named and refused.
    const theirs = await uploadPhoto(t, otherWarehouse, 'inspection');
    const stolen = await t.http
      .post(`/api/v1/inspections/${inspection.id}/complete`)
      .set(grader.auth)
      .send({ answers: { ...idealAnswers(PHONE_STANDARD), photos: [...ids.slice(0, 3), theirs] } })
      .expect(400);
    expect(stolen.body.fields[0].field).toBe('answers.photos[3]');
    expect(stolen.body.code).toBe('photo_not_usable');
    const unknown = await t.http
      .post(`/api/v1/inspections/${inspection.id}/complete`)
      .set(grader.auth)
      .send({ answers: { ...idealAnswers(PHONE_STANDARD), photos: ids }, photos: [randomUUID()] })
      .expect(400);
    expect(unknown.body.fields[0].field).toBe('photos[0]');

    const done = await t.http
      .post(`/api/v1/inspections/${inspection.id}/complete`)
      .set(grader.auth)
      .send({
        answers: { ...idealAnswers(PHONE_STANDARD), photos: ids },
        photos: [extra],
        version: claimed.body.version,
      })
      .expect(200);
    expect(done.body.grade).toBe('premium');
    expect(done.body.attachedPhotos.map((p: { id: string }) => p.id)).toEqual([...ids, extra]);

    // The colleague in the same warehouse reads the report and its photos.
    const read = await t.http
      .get(`/api/v1/inspections/${inspection.id}`)
      .set(colleague.auth)
      .expect(200);
    expect(read.body.attachedPhotos).toHaveLength(5);
    expect(read.body.answers.photos).toEqual(ids);
    await t.http.get(`/api/v1/photos/${ids[0]}/thumbnail`).set(colleague.auth).expect(200);
    await t.http.get(`/api/v1/photos/${ids[0]}/thumbnail`).set(admin.auth).expect(200);
    // Another warehouse: neither the inspection nor its photos exist for them.
    await t.http.get(`/api/v1/inspections/${inspection.id}`).set(otherWarehouse.auth).expect(404);
    await t.http.get(`/api/v1/photos/${ids[0]}`).set(otherWarehouse.auth).expect(404);
    await t.http.get(`/api/v1/photos/${ids[0]}/image`).set(otherWarehouse.auth).expect(404);
    await t.http.get(`/api/v1/photos/${ids[0]}/thumbnail`).set(owner.auth).expect(404);
  });
});
