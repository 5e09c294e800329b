import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { VEHICLE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { computeCheckDigit } from '../../src/vehicles/domain/vin.js';
import {
  accounts,
  type HttpUser,
  inspect,
  loadReferenceData,
  receiveByScan,
  runPickup,
  SHANGHAI,
} from '../support/http-journey.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

jest.setTimeout(180_000);

function newVin(): string {
  const body = `LVGBE40K0KR${String(Date.now() % 1_000_000).padStart(6, '0')}`;
  return `${body.slice(0, 8)}${computeCheckDigit(body)}${body.slice(9)}`;
}

interface Flag {
  status: string;
  flagged: boolean;
  evidence: Array<{ kind: string; message: string }>;
}

/**
 * A rolled-back car held at trade-in, over HTTP only (issue 19, points 5 and 6). An earlier
 * listing recorded 150,000 km; the owner trades the car in declaring 60,000 km. The check runs
 * at the trade-in itself (not when someone opens the car's page): the payout is held, the flag
 * and its evidence show on the grading bench, in support's search, on the listing and on the
 * public passport (no personal data), and only an admin or a lead of the receiving warehouse
 * may release the payout — not support, not a grader who is not a lead. Fixtures: reference
 * catalog and service areas, the first admin.
 */
describe('vehicles: a rolled-back car is held at trade-in (HTTP only)', () => {
  let t: TestApp;
  let admin: HttpUser;
  let owner: HttpUser;
  let courier: HttpUser;
  let grader: HttpUser;
  let lead: HttpUser;
  let otherLead: HttpUser;
  let support: HttpUser;
  let merchant: HttpUser;
  const vin = newVin();

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    const first = await t.user('admin');
    admin = { ...first, role: 'admin' };
    const a = accounts(t, admin);
    const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
    const elsewhere = await a.organisation('warehouse', { cityCode: '310100' });
    [owner, courier, grader, lead, otherLead, support, merchant] = await Promise.all([
      a.user('customer'),
      a.user('courier'),
      a.user('warehouse', { organisationId: warehouseId }),
      a.user('warehouse', { organisationId: warehouseId, lead: true }),
      a.user('warehouse', { organisationId: elsewhere, lead: true }),
      a.user('support'),
      a.organisation('merchant').then((org) => a.user('merchant', { organisationId: org })),
    ]);
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
      .expect(200);
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 0 })
      .expect(200);
    // Only warehouse staff can be leads.
    await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        email: 'not-a-lead@http.reloop',
        password: 'correct horse battery',
        name: 'Support lead?',
        role: 'support',
        lead: true,
      })
      .expect(400);
  }, 120_000);
  afterAll(() => t?.close());

  it('holds the payout from the trade-in until a lead of the receiving warehouse releases it', async () => {
    // The car's history from before: an earlier listing showed 150,000 km.
    await t.http
      .post(`/api/v1/vehicles/${vin}/mileage-readings`)
      .set(admin.auth)
      .send({ km: 150_000, readOn: '2024-05-01', source: 'listing', sourceRef: 'listing 2024-88' })
      .expect(201);

    const models = await t.http.get('/api/v1/product-models?q=Camry').expect(200);
    const camry = (models.body.items as Array<{ id: string; code: string }>).find(
      (m) => m.code === 'toyota-camry-2020-2-5g',
    );
    if (!camry) throw new Error('the demo catalog has no toyota-camry-2020-2-5g');
    const created = await t.http
      .post('/api/v1/trade-ins')
      .set(owner.auth)
      .send({
        channel: 'online',
        address: SHANGHAI,
        items: [
          {
            productModelId: camry.id,
            vin,
            declaredCondition: { condition: 'good', mileageKm: 60_000 },
          },
        ],
      })
      .expect(201);
    const tradeInId = created.body.id as string;

    // Flagged at the trade-in: nobody opened a vehicles page.
    const held = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(owner.auth).expect(200);
      return o.body.items[0].mileageHold ? o.body : null;
    }, 20_000);
    const tradeInItem = held.items[0] as {
      id: string;
      itemId: string;
      traceCode: string;
      mileageHold: { vin: string; status: string; evidence: Flag['evidence'] };
    };
    expect(tradeInItem.mileageHold).toMatchObject({ vin, status: 'rollback-suspected' });
    expect(tradeInItem.mileageHold.evidence.map((e) => e.kind)).toContain('rollback');

    // Public passport and summary: the flag and what was found, no personal data.
    const passport = await t.http.get(`/api/v1/trace/${tradeInItem.traceCode}`).expect(200);
    const passportFlag = passport.body.vehicle.mileageFlag as Flag;
    expect(passportFlag).toMatchObject({ flagged: true, status: 'rollback-suspected' });
    const passportText = JSON.stringify(passport.body);
    expect(passportText).not.toContain(owner.email);
    expect(passportText).not.toContain(owner.id);
    expect(passportText).not.toContain('listing 2024-88');
    expect(passportText).not.toContain(vin);

    // Support's view: the search finds the car by VIN with its flag and evidence.
    const search = await t.http
      .get(`/api/v1/support/search?q=${vin}`)
      .set(support.auth)
      .expect(200);
    const hit = (search.body.items as Array<{ id: string; vehicle: { mileageFlag: Flag } }>).find(
      (i) => i.id === tradeInItem.itemId,
    );
    expect(hit?.vehicle.mileageFlag).toMatchObject({ flagged: true });
    expect(hit?.vehicle.mileageFlag.evidence[0].message).toMatch(/km/);

    // Collected (inspected at the address, with photos), received, graded on the bench.
    const quoted = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(owner.auth).expect(200);
      return o.body.state === 'QUOTED' ? o.body : null;
    }, 30_000);
    await t.http
      .post(`/api/v1/trade-ins/${tradeInId}/accept`)
      .set(owner.auth)
      .send({ version: quoted.version })
      .expect(200);
    const pickup = await eventually(async () => {
      const res = await t.http.get('/api/v1/pickups').set(owner.auth).expect(200);
      return (res.body.items as Array<{ id: string }>)[0];
    }, 20_000);
    await runPickup(t, { admin, courier }, pickup.id, [tradeInItem.traceCode], {
      photoRefs: ['photo://odometer.jpg', 'photo://vin-plate.jpg'],
    });
    await receiveByScan(t, grader, tradeInItem.traceCode);
    const pending = await eventually(async () => {
      const res = await t.http
        .get(`/api/v1/inspections?itemId=${tradeInItem.itemId}&state=PENDING`)
        .set(grader.auth)
        .expect(200);
      return (res.body.items as Array<{ id: string }>)[0];
    }, 20_000);
    const bench = await t.http.get(`/api/v1/inspections/${pending.id}`).set(grader.auth);
    expect(bench.status).toBe(200);
    expect(bench.body.vehicle).toMatchObject({ vin, mileageFlag: { flagged: true } });
    expect((bench.body.vehicle.mileageFlag as Flag).evidence.length).toBeGreaterThan(0);
    await inspect(t, grader, tradeInItem.itemId, {
      ...idealAnswers(VEHICLE_STANDARD),
      odometer_km: 60_000,
    });

    // The offer settles; the payout exists but stays frozen while the hold stands.
    const settled = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(owner.auth).expect(200);
      const it = o.body.items[0] as { id: string; state: string };
      return ['ACCEPTED', 'OFFER_PENDING'].includes(it.state) ? it : null;
    }, 30_000);
    if (settled.state === 'OFFER_PENDING') {
      await t.http
        .post(`/api/v1/trade-ins/${tradeInId}/items/${settled.id}/accept-offer`)
        .set(owner.auth)
        .send({})
        .expect(200);
    }
    const frozen = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(admin.auth).expect(200);
      return o.body.items[0].payout ? o.body.items[0] : null;
    }, 20_000);
    expect(frozen.payout.status).toBe('frozen');

    // Who decides: not support, not a grader who is no lead, not another warehouse's lead.
    const release = (who: HttpUser) =>
      t.http
        .post(`/api/v1/trade-ins/${tradeInId}/items/${tradeInItem.id}/release-mileage-hold`)
        .set(who.auth)
        .send({ note: 'Dealer confirmed the cluster was replaced at 148,000 km' });
    await release(support).expect(403);
    await release(owner).expect(403);
    await release(grader).expect(403);
    await release(otherLead).expect(404);
    await release(lead).expect(200);
    await release(lead).expect(409);
    // Released: the payout job pays the seller through the provider.
    const paid = await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${tradeInId}`).set(admin.auth).expect(200);
      return o.body.items[0].payout.status === 'paid' ? o : null;
    });
    expect(paid.body.items[0]).toMatchObject({
      mileageHold: null,
      mileageDecision: { decision: 'release' },
      payout: { status: 'paid' },
    });

    // On sale, the listing shows the flag and its evidence too.
    await eventually(async () => {
      const res = await t.http
        .post(`/api/v1/inventory/pool/${tradeInItem.itemId}/claim`)
        .set(merchant.auth)
        .send({});
      return res.status === 200;
    }, 30_000);
    const draft = await t.http
      .post('/api/v1/listings')
      .set(merchant.auth)
      .send({ itemId: tradeInItem.itemId })
      .expect(201);
    const listing = await t.http
      .get(`/api/v1/listings/${draft.body.id as string}`)
      .set(merchant.auth)
      .expect(200);
    expect(listing.body.vehicle).toMatchObject({ mileageFlag: { flagged: true } });
    await t.http
      .post(`/api/v1/listings/${draft.body.id as string}/publish`)
      .set(merchant.auth)
      .send({})
      .expect(200);
    const market = await t.http
      .get(`/api/v1/market/listings/${draft.body.id as string}`)
      .expect(200);
    expect(market.body.vehicle.mileageFlag).toMatchObject({
      flagged: true,
      status: 'rollback-suspected',
    });
    expect(JSON.stringify(market.body)).not.toContain('listing 2024-88');
  });
});
