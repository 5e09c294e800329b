import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import {
  ItemAvailableForSale,
  NotifyOwner,
  RecyclingRequested,
  WithdrawUncertifiedItem,
} from '../../src/core/jobs/job-catalogue.js';
import { job } from '../../src/core/jobs/job-definition.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { SimulatedStation } from '../../src/erasure/domain/index.js';
import { ErasureStations } from '../../src/erasure/stations.js';
import { TestPaymentProvider } from '../../src/money/providers/test-provider.js';
import { loadReferenceData } from '../support/fixtures.js';
import {
  createTestApp,
  eventually,
  productionEnv,
  type TestApp,
  type TestUser,
} from '../support/test-app.js';
import { itemOf, leafByCode, productModels, timelineOf } from '../support/reads.js';

/**
 * Issue 17 points 3, 4 and 5: the simulator's certificates say what they are (and never open
 * the gate in production), no uncertified medium passes to a third party, and a revoked
 * certificate takes the item off the market at once.
 */

const ADDRESS = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};

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

/** Adds a medium and starts its wipe over HTTP, as the warehouse does; resolves with the erasure. */
async function wipe(t: TestApp, warehouse: TestUser, itemId: string, serial: string) {
  await t.http
    .post(`/api/v1/items/${itemId}/storage-media`)
    .set(warehouse.auth)
    .send({ mediaType: 'flash', serial, capacityBytes: 128e9 })
    .expect(201);
  await t.http.post(`/api/v1/items/${itemId}/start-erasure`).set(warehouse.auth).expect(200);
  return eventually(async () => {
    const res = await t.http.get(`/api/v1/erasures?itemId=${itemId}`).set(warehouse.auth);
    const e = (res.body.items as ErasureBody[] | undefined)?.[0];
    return e?.state === 'SUCCEEDED' && e.certificate ? e : null;
  });
}

const events = (t: TestApp, itemId: string) => timelineOf(t, itemId);

const erasureStatus = async (t: TestApp, id: string) => (await itemOf(t, id)).erasureStatus;

describe('erasure gates (issue 17)', () => {
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

  describe('simulated certificates (point 3)', () => {
    it('marks a simulated wipe in the signed JSON and the public verify answers', async () => {
      const phone = await receivedPhone(t, warehouse.organisationId!, { ownerId: owner.id });
      const erasure = await wipe(t, warehouse, phone.id, 'SIM-JSON-1');
      // Outside production a simulated certificate opens the gate (development, demos, tests).
      expect(await erasureStatus(t, phone.id)).toBe('certified');

      const id = erasure.certificate!.id;
      const signed = await t.http.get(`/api/v1/certificates/${id}`).set(owner.auth);
      expect(signed.status).toBe(200);
      expect(signed.body.document).toMatchObject({
        simulated: true,
        sanitization: { tool: { name: 'reloop-simulated-station' } },
      });
      const mine = await t.http.get(`/api/v1/certificates?itemId=${phone.id}`).set(owner.auth);
      expect(mine.body.items).toEqual([expect.objectContaining({ id, simulated: true })]);

      const notice = {
        simulated: true,
        realSanitization: false,
        notice: expect.stringMatching(/^SIMULATED — no data was erased: .*not a real sanitization/),
      };
      const stored = await t.http.get(`/api/v1/certificates/${id}/verify`);
      expect(stored.status).toBe(200);
      expect(stored.body).toMatchObject({ signature: 'ok', revoked: false, ...notice });
      const presented = await t.http.post('/api/v1/certificates/verify').send(signed.body);
      expect(presented.body).toMatchObject({ matchesRecord: true, ...notice });
      // Removing the mark breaks the signature.
      const unmarked = structuredClone(signed.body) as { document: Record<string, unknown> };
      delete unmarked.document.simulated;
      const forged = await t.http.post('/api/v1/certificates/verify').send(unmarked);
      expect(forged.body).toMatchObject({ valid: false, signature: 'bad-signature' });

      // The public passport says so too.
      const passport = await t.http.get(`/api/v1/trace/${phone.traceCode}`).expect(200);
      expect(JSON.stringify(passport.body)).toContain(
        `"certificateId":"${erasure.certificate!.certificateId}"`,
      );
      expect(JSON.stringify(passport.body)).toContain('"simulated":true');

      const pdf = await t.http
        .get(`/api/v1/certificates/${id}/pdf`)
        .set(owner.auth)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(pdf.status).toBe(200);
      // The banner is in the (compressed) page; the document title carries it too.
      const utf16be = Buffer.from('SIMULATED \u2014 no data was erased', 'utf16le').swap16();
      expect((pdf.body as Buffer).includes(utf16be)).toBe(true);
    });

    it('never lets a simulated certificate open the sale gate in production', async () => {
      const prod = await createTestApp(productionEnv());
      try {
        expect(prod.config.erasure.station).toBe('external');
        await loadReferenceData(prod);
        // Only a test can slip a simulator into a production process; its wipe still certifies
        // nothing for the gate.
        prod.app.get(ErasureStations).use(reliable());
        const staff = await prod.user('warehouse');
        const phone = await receivedPhone(prod, staff.organisationId!, { grade: 'premium' });
        const erasure = await wipe(prod, staff, phone.id, 'SIM-PROD-1');
        const cert = await prod.http
          .get(`/api/v1/certificates/${erasure.certificate!.id}/verify`)
          .expect(200);
        expect(cert.body).toMatchObject({ simulated: true, realSanitization: false });
        expect(await erasureStatus(prod, phone.id)).toBe('pending');
        const merchant = await prod.user('merchant');
        await prod.dataSource.transaction((m) =>
          prod.app.get(TransitionService).apply(ItemMachine, {
            manager: m,
            id: phone.id,
            action: 'make-available',
            actor: SYSTEM_ACTOR,
          }),
        );
        const allocate = await prod.http
          .post('/api/v1/inventory/allocations')
          .set((await prod.user('admin')).auth)
          .send({ itemId: phone.id, merchantId: merchant.organisationId });
        expect(allocate.status).toBe(409);
        expect(allocate.body.message).toMatch(/no erasure certificate/);
      } finally {
        await prod.close();
      }
    });
  });

  describe('no third party receives data (point 4)', () => {
    it('refuses to hand an uncertified phone to a repair partner, unless it is a certified erasure provider', async () => {
      const partner = await t.organisation('partner', { refurbishes: ['digital'] });
      const technician = await t.user('technician', { organisationId: partner });
      const phone = await receivedPhone(t, warehouse.organisationId!, { grade: 'good' });
      // The warehouse opens the repair by hand (POST /api/v1/refurbishments).
      await t.http
        .post('/api/v1/refurbishments')
        .set(warehouse.auth)
        .send({ itemId: phone.id })
        .expect(201);
      const order = await eventually(async () => {
        const res = await t.http.get(`/api/v1/refurbishments?itemId=${phone.id}`).set(admin.auth);
        const o = res.body.items?.[0] as { id: string; state: string; partnerId: string };
        return o?.state === 'ASSIGNED' ? o : null;
      });
      expect(order.partnerId).toBe(partner);

      const refused = await t.http
        .post(`/api/v1/refurbishments/${order.id}/start-repair`)
        .set(technician.auth)
        .send({ diagnosis: 'Cracked screen' });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(
        /^Cannot hand over: item \S+ still has a storage medium without an erasure certificate: it may not pass to the partner .* not a certified erasure provider/,
      );
      // Nothing moved: the order waits, the phone stays in the warehouse.
      const after = await t.http.get(`/api/v1/refurbishments/${order.id}`).set(admin.auth);
      expect(after.body.state).toBe('ASSIGNED');
      expect(await itemOf(t, phone.id)).toMatchObject({
        custodianKind: 'warehouse',
        custodianId: warehouse.organisationId,
      });

      // Only an admin registers a certified erasure provider, and it needs its certification.
      const url = `/api/v1/organisations/${partner}/erasure-provider`;
      await t.http
        .put(url)
        .set(technician.auth)
        .send({ certified: true, certification: 'x' })
        .expect(403);
      const missing = await t.http.put(url).set(admin.auth).send({ certified: true });
      expect(missing.status).toBe(400);
      await t.http
        .put(`/api/v1/organisations/${warehouse.organisationId}/erasure-provider`)
        .set(admin.auth)
        .send({ certified: true, certification: 'ADISA ADC-1' })
        .expect(400);
      await t.http
        .put(`/api/v1/organisations/${randomUUID()}/erasure-provider`)
        .set(admin.auth)
        .send({ certified: true, certification: 'ADISA ADC-1' })
        .expect(404);
      const registered = await t.http
        .put(url)
        .set(admin.auth)
        .send({ certified: true, certification: 'ADISA ADC-2026-0042' });
      expect(registered.status).toBe(200);
      expect(registered.body).toMatchObject({
        certifiedErasureProvider: true,
        erasureCertification: 'ADISA ADC-2026-0042',
      });

      const started = await t.http
        .post(`/api/v1/refurbishments/${order.id}/start-repair`)
        .set(technician.auth)
        .send({ diagnosis: 'Cracked screen' });
      expect(started.status).toBe(200);
      expect(await itemOf(t, phone.id)).toMatchObject({
        custodianKind: 'partner',
        custodianId: partner,
      });
      const delegated = (await events(t, phone.id)).find(
        (e) => e.type === 'Item.custody-erasure-delegated',
      );
      expect(delegated).toMatchObject({
        custodian_kind: 'partner',
        custodian_id: partner,
        data: {
          erasureBy: {
            organisationId: partner,
            certification: 'ADISA ADC-2026-0042',
            note: expect.stringMatching(
              /wipe of the uncertified media is done by .*certified erasure provider/,
            ),
          },
        },
      });
    });

    it('refuses to hand a lot with an uncertified phone to a recycler', async () => {
      const recycler = await t.organisation('partner', { refurbishes: [], recycles: true });
      const driver = await t.user('technician', { organisationId: recycler });
      const phone = await receivedPhone(t, warehouse.organisationId!, { grade: 'scrap' });
      await t.dataSource.transaction((m) =>
        t.app.get(TransitionService).apply(ItemMachine, {
          manager: m,
          id: phone.id,
          action: 'scrap',
          actor: SYSTEM_ACTOR,
          jobs: [
            job(RecyclingRequested, {
              itemId: phone.id,
              warehouseId: warehouse.organisationId,
              reason: 'graded scrap',
            }),
          ],
        }),
      );
      // The lot it joined, from the phone's history (GET /api/v1/items/:id/timeline).
      const lotId = await eventually(async () => {
        const added = (await events(t, phone.id)).find((e) => e.type === 'RecyclingLot.item-added');
        return added?.entityId;
      });
      await t.http
        .post(`/api/v1/recycling-lots/${lotId}/seal`)
        .set(warehouse.auth)
        .send({ weightGrams: 190, sealNumber: 'RCY-GATE-1' })
        .expect(200);
      const handOver = () =>
        t.http
          .post(`/api/v1/recycling-lots/${lotId}/hand-over`)
          .set(driver.auth)
          .send({ signedByName: 'Ma Tao', signature: 'data:image/png;base64,iVBORw0KGgo=' });
      const refused = await handOver();
      expect(refused.status).toBe(409);
      expect(refused.body.message).toMatch(
        /still has a storage medium without an erasure certificate: it may not pass to the recycler/,
      );
      const lot = await t.http.get(`/api/v1/recycling-lots/${lotId}`).set(admin.auth);
      expect(lot.body.state).toBe('SEALED');

      // Once the phone is wiped with a certificate, the same hand-over goes through.
      await wipe(t, warehouse, phone.id, 'SCRAP-PHONE-1');
      expect(await erasureStatus(t, phone.id)).toBe('certified');
      const handed = await handOver();
      expect(handed.status).toBe(200);
      expect(await itemOf(t, phone.id)).toMatchObject({
        custodianKind: 'recycler',
        custodianId: recycler,
      });
    });
  });

  describe('revocation reaches the market (point 5)', () => {
    let merchant: TestUser;
    let buyer: TestUser;

    beforeAll(async () => {
      merchant = await t.user('merchant');
      buyer = await t.user('customer');
    });

    /** A phone wiped with a certificate, made available, allocated and published. */
    const listedPhone = async (serial: string) => {
      stations.use(reliable());
      const phone = await receivedPhone(t, warehouse.organisationId!, {
        ownerId: owner.id,
        grade: 'premium',
      });
      const erasure = await wipe(t, warehouse, phone.id, serial);
      // The wipe that follows a revocation waits for an imported report (no automatic re-wipe
      // that would certify the item again before the test looks).
      stations.use(null);
      await t.dataSource.transaction((m) =>
        t.app.get(TransitionService).apply(ItemMachine, {
          manager: m,
          id: phone.id,
          action: 'make-available',
          actor: SYSTEM_ACTOR,
          jobs: [job(ItemAvailableForSale, { itemId: phone.id, grade: 'premium' })],
        }),
      );
      // In the resale pool (GET /api/v1/inventory/pool), ready to allocate.
      await eventually(async () => {
        const pool = await t.http
          .get('/api/v1/inventory/pool?grade=premium&limit=200')
          .set(admin.auth)
          .expect(200);
        return (pool.body.items as Array<{ itemId: string }>).some((r) => r.itemId === phone.id);
      });
      await t.http
        .post('/api/v1/inventory/allocations')
        .set(admin.auth)
        .send({ itemId: phone.id, merchantId: merchant.organisationId })
        .expect(201);
      const created = await t.http
        .post('/api/v1/listings')
        .set(merchant.auth)
        .send({ itemId: phone.id, description: 'Unlocked' })
        .expect(201);
      const published = await t.http
        .post(`/api/v1/listings/${created.body.id}/publish`)
        .set(merchant.auth)
        .send({})
        .expect(200);
      return { phone, erasure, listingId: published.body.id as string };
    };

    const onMarket = async (listingId: string) => {
      const list = await t.http.get('/api/v1/market/listings?limit=100').expect(200);
      const page = await t.http.get(`/api/v1/market/listings/${listingId}`);
      return {
        listed: (list.body.items as Array<{ id: string }>).some((l) => l.id === listingId),
        page: page.status,
      };
    };

    const revoke = (erasureId: string) =>
      t.http
        .post(`/api/v1/erasures/${erasureId}/reverify`)
        .set(colleague.auth)
        .send({ outcome: 'failed', notes: 'residual data in a sample' })
        .expect(200);

    it('hides an item from the market as soon as its status is not certified, before any job', async () => {
      const { phone, listingId } = await listedPhone('MARKET-READ-1');
      expect(await onMarket(listingId)).toEqual({ listed: true, page: 200 });
      // The instant between a revocation and its withdrawal job, seen by the market.
      await t.dataSource.query(`UPDATE items SET erasure_status = 'pending' WHERE id = $1`, [
        phone.id,
      ]);
      expect(await onMarket(listingId)).toEqual({ listed: false, page: 404 });
      const checkout = await t.http
        .post('/api/v1/sale-orders')
        .set(buyer.auth)
        .send({ listingId, shippingAddress: ADDRESS });
      expect(checkout.status).toBe(409);
      expect(checkout.body.message).toMatch(/no valid erasure certificate any more/);
    });

    it('withdraws the live listing when sampling revokes the certificate', async () => {
      const { phone, erasure, listingId } = await listedPhone('REVOKE-LISTED-1');
      expect(await onMarket(listingId)).toEqual({ listed: true, page: 200 });

      await revoke(erasure.id);
      // Off the market at once, and the withdrawal job was written with the revocation.
      expect(await onMarket(listingId)).toEqual({ listed: false, page: 404 });
      const jobs = await t.dataSource.query<Array<{ payload: { itemId: string } }>>(
        `SELECT payload FROM outbox WHERE name = $1 AND payload->>'itemId' = $2`,
        [WithdrawUncertifiedItem.name, phone.id],
      );
      expect(jobs).toHaveLength(1);

      const withdrawn = await eventually(async () => {
        const res = await t.http.get(`/api/v1/listings/${listingId}`).set(merchant.auth);
        return res.body.state === 'WITHDRAWN' ? res.body : null;
      });
      expect(withdrawn.withdrawnAt).toBeTruthy();
      const item = await itemOf(t, phone.id);
      expect(item).toMatchObject({ state: 'ALLOCATED', erasureStatus: 'pending' });
      expect((await events(t, phone.id)).find((e) => e.type === 'Listing.withdraw')).toMatchObject({
        actor_role: 'system',
        data: { reason: expect.stringMatching(/no valid erasure certificate/) },
      });
    });

    it('cancels a reservation, tells the buyer, and answers 409 to a payment', async () => {
      const { phone, erasure, listingId } = await listedPhone('REVOKE-RESERVED-1');
      const order = await t.http
        .post('/api/v1/sale-orders')
        .set(buyer.auth)
        .send({ listingId, shippingAddress: ADDRESS })
        .expect(201);

      await revoke(erasure.id);
      const pay = await t.http.post(`/api/v1/sale-orders/${order.body.id}/pay`).set(buyer.auth);
      expect(pay.status).toBe(409);

      const cancelled = await eventually(async () => {
        const res = await t.http.get(`/api/v1/sale-orders/${order.body.id}`).set(buyer.auth);
        return res.body.state === 'CANCELLED' ? res.body : null;
      });
      expect(cancelled.cancelReason).toMatch(/^withdrawn from sale: /);
      const told = await t.dataSource.query<Array<{ payload: { userId: string } }>>(
        `SELECT payload FROM outbox WHERE name = $1 AND payload->>'userId' = $2
           AND payload->>'template' = 'sale-order-cancelled'`,
        [NotifyOwner.name, buyer.id],
      );
      expect(told.map((r) => r.payload.userId)).toContain(buyer.id);
      await eventually(async () => {
        const res = await t.http.get(`/api/v1/listings/${listingId}`).set(merchant.auth);
        return res.body.state === 'WITHDRAWN';
      });
      expect((await itemOf(t, phone.id)).state).toBe('ALLOCATED');
    });

    it('refunds instead of selling when the payment lands before the withdrawal', async () => {
      const { phone, listingId } = await listedPhone('REVOKE-PAID-1');
      const order = await t.http
        .post('/api/v1/sale-orders')
        .set(buyer.auth)
        .send({ listingId, shippingAddress: ADDRESS })
        .expect(201);
      const intent = await t.http
        .post(`/api/v1/sale-orders/${order.body.id}/pay`)
        .set(buyer.auth)
        .send({})
        .expect(200);
      // The status flips without its job (the moment before resale withdraws the listing).
      await t.dataSource.query(`UPDATE items SET erasure_status = 'pending' WHERE id = $1`, [
        phone.id,
      ]);
      const signed = await t.app.get(TestPaymentProvider).signedConfirmation({
        intentId: intent.body.intentId,
        amountMinor: intent.body.amountMinor,
        currency: intent.body.currency,
      });
      const webhook = await t.http
        .post('/api/v1/webhooks/inbound/test-pay')
        .set('content-type', 'application/json')
        .set('reloop-signature', signed.signature)
        .send(signed.body);
      expect(webhook.status).toBe(200);
      const after = await t.http.get(`/api/v1/sale-orders/${order.body.id}`).set(buyer.auth);
      expect(after.body).toMatchObject({
        state: 'CANCELLED',
        refund: { amountMinor: intent.body.amountMinor },
      });
      expect((await itemOf(t, phone.id)).state).toBe('LISTED');
    });
  });
});
