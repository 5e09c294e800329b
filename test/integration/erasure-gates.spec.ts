// Moved from test/e2e/erasure-gates.e2e.spec.ts (issue 20 point 5): these tests hand items to a
// new custodian through ItemsService.setCustodian and TransitionService.apply, so their subject is
// the custody guard of the services and the item machine, not the HTTP surface. The set-up is the
// e2e file's: a received phone registered through ItemsService, its wipes driven over HTTP and
// through the outbox; the HTTP steps they take (media, wipes, destruction) stay as they were.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { SimulatedStation } from '../../src/erasure/domain/index.js';
import { ErasureStations } from '../../src/erasure/stations.js';
import { loadReferenceData } from '../support/fixtures.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf, leafByCode, productModels, timelineOf } from '../support/reads.js';

const reliable = () =>
  new SimulatedStation({ seed: 'gates', failureRate: 0, verificationFailureRate: 0 });

interface ErasureBody {
  id: string;
  state: string;
  certificate: { id: string; certificateId: string; revoked: boolean } | null;
}

/** A received phone of the warehouse, its data not wiped yet (erasureStatus pending). */
async function receivedPhone(
  t: TestApp,
  warehouseId: string,
  opts: { ownerId?: string; grade?: 'good' | 'scrap' | 'premium' } = {},
): Promise<Item> {
  const leaf = await leafByCode(t, 'smartphones');
  const model = (await productModels(t)).find((m) => m.code === 'apple-iphone-15-pro-128');
  if (!model) throw new Error('catalog not seeded');
  return t.dataSource.transaction(async (m) => {
    const item = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
      categoryId: leaf.id,
      productModelId: model.id,
      ownerId: opts.ownerId ?? null,
      custodian: { kind: 'warehouse', id: warehouseId },
      erasureStatus: 'pending',
      state: 'RECEIVED',
    });
    if (opts.grade) {
      await m.query('UPDATE items SET grade = $2 WHERE id = $1', [item.id, opts.grade]);
    }
    return item;
  });
}

const events = (t: TestApp, itemId: string) => timelineOf(t, itemId);

const erasureStatus = async (t: TestApp, id: string) => (await itemOf(t, id)).erasureStatus;

describe('erasure gates: custody guard of the services (issue 17)', () => {
  let t: TestApp;
  let stations: ErasureStations;
  let warehouse: TestUser;
  let colleague: TestUser;
  let admin: TestUser;
  let owner: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ ERASURE_SIM_SEED: 'gates' });
    await loadReferenceData(t);
    stations = t.app.get(ErasureStations);
    stations.use(reliable());
    warehouse = await t.user('warehouse');
    colleague = await t.user('warehouse', { organisationId: warehouse.organisationId! });
    admin = await t.user('admin');
    owner = await t.user('customer');
  }, 120_000);
  afterAll(() => t.close());

  describe('no third party receives data (point 4)', () => {
    it('lets a phone go only once its medium is destroyed with a certificate, not when merely routed there', async () => {
      const recycler = await t.organisation('partner', { refurbishes: [] });
      const phone = await receivedPhone(t, warehouse.organisationId!);
      stations.use(null); // the wipe waits (QUEUED) for a report that never comes
      try {
        await t.http
          .post(`/api/v1/items/${phone.id}/storage-media`)
          .set(warehouse.auth)
          .send({ mediaType: 'flash', serial: 'DEAD-FLASH-1', capacityBytes: 64e9 })
          .expect(201);
        const started = await t.http
          .post(`/api/v1/items/${phone.id}/start-erasure`)
          .set(warehouse.auth)
          .expect(200);
        const erasureId = (started.body.items as ErasureBody[])[0].id;
        await t.http
          .post(`/api/v1/erasures/${erasureId}/route-to-destruction`)
          .set(warehouse.auth)
          .send({ reason: 'board does not power on' })
          .expect(200);
        expect(await erasureStatus(t, phone.id)).toBe('pending');
        const items = t.app.get(ItemsService);
        const handOff = () =>
          t.dataSource.transaction((m) =>
            items.setCustodian(m, [phone.id], { kind: 'recycler', id: recycler }),
          );
        await expect(handOff()).rejects.toMatchObject({ status: 409 });

        await t.http
          .post(`/api/v1/erasures/${erasureId}/record-destruction`)
          .set(warehouse.auth)
          .send({
            equipmentName: 'SSD disintegrator DS-2',
            equipmentVersion: '2026.1',
            particleSizeMm: 2,
            witnessId: colleague.id,
          })
          .expect(200);
        expect(await erasureStatus(t, phone.id)).toBe('destroyed');
        await handOff();
        expect(await itemOf(t, phone.id)).toMatchObject({
          custodianKind: 'recycler',
          custodianId: recycler,
        });
      } finally {
        stations.use(reliable());
      }
    });

    it('checks every item transition that names a new custodian (the machine guard)', async () => {
      const provider = await t.organisation('partner', { refurbishes: ['digital'] });
      const plain = await t.organisation('partner', { refurbishes: ['digital'] });
      await t.http
        .put(`/api/v1/organisations/${provider}/erasure-provider`)
        .set(admin.auth)
        .send({ certified: true, certification: 'NAID AAA 123' })
        .expect(200);
      const transitions = t.app.get(TransitionService);
      const sendTo = (itemId: string, partnerId: string) =>
        transitions.apply(ItemMachine, {
          id: itemId,
          action: 'send-to-refurbishment',
          actor: SYSTEM_ACTOR,
          patch: { custodianKind: 'partner', custodianId: partnerId },
          custodian: { kind: 'partner', id: partnerId },
          data: { test: true },
        });
      const refusedPhone = await receivedPhone(t, warehouse.organisationId!, { grade: 'good' });
      const refused = await sendTo(refusedPhone.id, plain).catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 409 });
      expect((refused as { response: Record<string, unknown> }).response).toMatchObject({
        message: expect.stringMatching(
          /^Cannot send-to-refurbishment: item .* may not pass to the partner .* not a certified erasure provider/,
        ),
        state: 'RECEIVED',
        allowedActions: expect.arrayContaining(['send-to-refurbishment']),
      });
      expect((await events(t, refusedPhone.id)).map((e) => e.type)).toEqual(['Item.created']);

      const phone = await receivedPhone(t, warehouse.organisationId!, { grade: 'good' });
      await sendTo(phone.id, provider);
      const entry = (await events(t, phone.id)).find(
        (e) => e.type === 'Item.send-to-refurbishment',
      );
      expect(entry).toMatchObject({
        custodian_kind: 'partner',
        custodian_id: provider,
        data: {
          test: true,
          erasureBy: { organisationId: provider, certification: 'NAID AAA 123' },
        },
      });
    });

    it('refuses an uncertified phone to a merchant and to anyone but its owner', async () => {
      const merchant = await t.organisation('merchant');
      const stranger = await t.user('customer');
      const phone = await receivedPhone(t, warehouse.organisationId!, { ownerId: owner.id });
      const items = t.app.get(ItemsService);
      for (const to of [
        { kind: 'merchant' as const, id: merchant },
        { kind: 'owner' as const, id: stranger.id },
        { kind: 'buyer' as const, id: stranger.id },
      ]) {
        await expect(
          t.dataSource.transaction((m) => items.setCustodian(m, [phone.id], to)),
        ).rejects.toMatchObject({ status: 409 });
      }
      // Back to its owner, or along the operator's own chain, is fine.
      await t.dataSource.transaction((m) =>
        items.setCustodian(m, [phone.id], { kind: 'owner', id: owner.id }),
      );
      await t.dataSource.transaction((m) =>
        items.setCustodian(m, [phone.id], { kind: 'warehouse', id: warehouse.organisationId }),
      );
    });
  });
});
