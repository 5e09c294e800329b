import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import type { Item } from '../../src/core/items/item.entity.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { OpenVehiclePaperwork, ParcelDelivered } from '../../src/core/jobs/job-catalogue.js';
import type { JobDef } from '../../src/core/jobs/job-definition.js';
import { JobHandlerRegistry } from '../../src/core/jobs/job-handler.registry.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { VEHICLE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { computeCheckDigit } from '../../src/vehicles/domain/vin.js';
import { VehicleFactsService } from '../../src/vehicles/vehicle-facts.service.js';
import { vehiclesSeed } from '../../src/vehicles/vehicles.seed.js';
import { loadReferenceData, seedContext } from '../support/fixtures.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { leafByCode, productModels } from '../support/reads.js';

const SHANGHAI = {
  cityCode: '310100',
  districtCode: '310104',
  line1: 'No. 1 Hongqiao Rd',
  contactName: 'Li Wei',
  contactPhone: '+8613800138000',
};

let serial = Math.floor(Math.random() * 900_000);
/** A fresh Chinese VIN (WMI L: check digit applies) for a 2019 model year (K). */
function newVin(): string {
  const body = `LVGBE40K0K${'G'}${String(++serial).padStart(6, '0')}`;
  return `${body.slice(0, 8)}${computeCheckDigit(body)}${body.slice(9)}`;
}
/** The same VIN with a wrong check digit. */
function badCheckDigit(vin: string): string {
  return `${vin.slice(0, 8)}${vin[8] === '1' ? '2' : '1'}${vin.slice(9)}`;
}

interface VehicleBody {
  vin: string;
  registrationCity: { code: string; name: string } | null;
  items: Array<{ id: string; traceCode: string; state: string }>;
  mileage: {
    status: string;
    flagged: boolean;
    credibleKm: number | null;
    evidence: Array<{
      kind: string;
      message: string;
      earlier?: { km: number; source: string; sourceRef: string | null };
      later?: { km: number; source: string };
    }>;
    readings: Array<{ km: number; source: string; trust: string; sourceRef: string | null }>;
  };
  condition: {
    score: number;
    level: number;
    accidentGrade: string;
    accidentVehicle: boolean;
    grade: string;
    areas: Array<{ area: string; points: number; maxPoints: number }>;
  } | null;
}

interface QuoteBody {
  amountMinor: number;
  confidence: number;
  lines: Array<{ code: string; label: string; amountMinor: number }>;
  facts: { credibleKm: number | null; mileageStatus: string };
}

describe('vehicles', () => {
  let t: TestApp;
  let owner: TestUser;
  let stranger: TestUser;
  let support: TestUser;
  let admin: TestUser;
  let grader: TestUser;
  let merchant: TestUser;
  let otherMerchant: TestUser;
  let models: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    await loadReferenceData(t);
    const rows = await productModels(t);
    models = Object.fromEntries(rows.map((r) => [r.code, r.id]));
    [owner, stranger, support, admin, grader, merchant, otherMerchant] = await Promise.all([
      t.user('customer'),
      t.user('customer'),
      t.user('support'),
      t.user('admin'),
      t.user('warehouse'),
      t.user('merchant'),
      t.user('merchant'),
    ]);
    await t.http
      .put('/api/v1/grading/calibration/settings')
      .set(admin.auth)
      .send({ rate: 0 })
      .expect(200);
  }, 120_000);
  afterAll(() => t.close());

  const run = async <P>(def: JobDef<P>, payload: P) => {
    const handler = t.app.get(JobHandlerRegistry).get(def.name);
    if (!handler) throw new Error(`no handler for ${def.name}`);
    await handler.run(payload, { jobId: `test-${randomUUID()}`, attempt: 1, maxAttempts: 1 });
  };
  const car = (vin: string | undefined, mileageKm = 31_000) => ({
    productModelId: models['toyota-camry-2020-2-5g'],
    declaredCondition: { condition: 'good', mileageKm },
    ...(vin !== undefined ? { vin } : {}),
  });
  const tradeIn = (user: TestUser, items: object[]) =>
    t.http
      .post('/api/v1/trade-ins')
      .set(user.auth)
      .send({ channel: 'online', address: SHANGHAI, items });
  const vehicle = async (vin: string, user: TestUser = support) =>
    (await t.http.get(`/api/v1/vehicles/${vin}`).set(user.auth).expect(200)).body as VehicleBody;

  /** A car item registered straight into the warehouse (as the seed does), with its registration. */
  const carInStock = async (vin: string, firstRegisteredOn: string, km: number) => {
    const categoryId = (
      await t.http.get(`/api/v1/product-models/${models['toyota-camry-2020-2-5g']}`).expect(200)
    ).body.categoryId as string;
    await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId,
        productModelId: models['toyota-camry-2020-2-5g'],
        vin,
        ownerId: owner.id,
        custodian: { kind: 'warehouse', id: grader.organisationId },
        erasureStatus: 'not_required',
        state: 'RECEIVED',
      }),
    );
    await t.http
      .patch(`/api/v1/vehicles/${vin}`)
      .set(admin.auth)
      .send({ plate: '沪A12345', firstRegisteredOn })
      .expect(200);
    await t.http
      .post(`/api/v1/vehicles/${vin}/mileage-readings`)
      .set(admin.auth)
      .send({ km, readOn: '2024-06-01', source: 'listing', sourceRef: `listing-${vin}` })
      .expect(201);
  };

  it('refuses a VIN with a bad check digit and keeps one live item per VIN', async () => {
    const vin = newVin();
    const bad = await tradeIn(owner, [car(badCheckDigit(vin))]).expect(400);
    expect(bad.body.fields[0].field).toBe('items.0.vin');
    expect(bad.body.message).toContain('check digit');
    const missing = await tradeIn(owner, [car(undefined)]).expect(400);
    expect(missing.body.fields[0].field).toBe('items.0.vin');
    const forbidden = await tradeIn(owner, [car(`${vin.slice(0, 16)}O`)]).expect(400);
    expect(forbidden.body.fields[0].field).toBe('items.0.vin');

    const check = await t.http.get(`/api/v1/vehicles/check/${badCheckDigit(vin)}`).expect(200);
    expect(check.body).toMatchObject({
      valid: false,
      checkDigit: 'invalid',
      expectedCheckDigit: vin[8],
    });
    const decoded = await t.http.get(`/api/v1/vehicles/check/${vin.toLowerCase()}`).expect(200);
    expect(decoded.body).toMatchObject({
      valid: true,
      decoded: { region: 'Asia', country: 'China', modelYear: { year: 2019 } },
    });

    const first = await tradeIn(owner, [car(vin)]).expect(201);
    const dup = await tradeIn(stranger, [car(vin)]).expect(409);
    expect(dup.body.message).toContain(vin);
    // A VIN on a phone is refused.
    await tradeIn(owner, [
      {
        productModelId: models['apple-iphone-15-128'],
        declaredCondition: { condition: 'good' },
        vin,
      },
    ]).expect(400);

    // Once the first order is cancelled, its item is no longer live: the car may come again.
    await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${first.body.id}`).set(owner.auth);
      return o.body.state === 'QUOTED' ? o.body : null;
    });
    await t.http
      .post(`/api/v1/trade-ins/${first.body.id}/cancel`)
      .set(owner.auth)
      .send({})
      .expect(200);
    await tradeIn(stranger, [car(vin)]).expect(201);
  });

  it('detects a rollback from consented dealer records and shows the evidence', async () => {
    const vin = newVin();
    const order = await tradeIn(owner, [car(vin, 31_000)]).expect(201);
    const itemId = order.body.items[0].itemId as string;
    const reg = await t.http
      .patch(`/api/v1/vehicles/${vin}`)
      .set(owner.auth)
      .send({ plate: '沪A·7K321', firstRegisteredOn: '2019-05-01' })
      .expect(200);
    expect(reg.body.registrationCity).toEqual({ code: '310100', name: 'Shanghai' });
    await t.http
      .patch(`/api/v1/vehicles/${vin}`)
      .set(owner.auth)
      .send({ plate: 'XYZ' })
      .expect(400);
    await t.http.get(`/api/v1/vehicles/${vin}`).set(stranger.auth).expect(404);
    await t.http
      .patch(`/api/v1/vehicles/${vin}`)
      .set(stranger.auth)
      .send({ use: 'taxi' })
      .expect(404);

    const csv = [
      'vin,date,km,dealer,work_order',
      `${vin},2021-04-10,30500,GAC Toyota Pudong 4S,WO-210410-3`,
      `${vin},2023-03-02,58400,GAC Toyota Pudong 4S,WO-230302-7`,
    ].join('\n');
    // No consent recorded: refused.
    const refused = await t.http
      .post(`/api/v1/vehicles/${vin}/maintenance-records`)
      .set(admin.auth)
      .send({ consentId: randomUUID(), csv })
      .expect(409);
    expect(refused.body.details).toEqual({ reason: 'consent-required' });
    await t.http
      .post(`/api/v1/vehicles/${vin}/consents`)
      .set(stranger.auth)
      .send({
        scope: 'dealer-maintenance-records',
        statement: 'I allow Reloop to read my records.',
      })
      .expect(404);
    const consent = await t.http
      .post(`/api/v1/vehicles/${vin}/consents`)
      .set(owner.auth)
      .send({
        scope: 'dealer-maintenance-records',
        statement: 'I allow Reloop to read my records.',
      })
      .expect(201);
    await t.http
      .post(`/api/v1/vehicles/${vin}/maintenance-records`)
      .set(admin.auth)
      .send({ consentId: consent.body.id, csv: csv.replace('58400', 'lots') })
      .expect(400);

    const imported = await t.http
      .post(`/api/v1/vehicles/${vin}/maintenance-records`)
      .set(admin.auth)
      .send({ consentId: consent.body.id, csv })
      .expect(201);
    expect(imported.body).toMatchObject({ imported: 2, mileage: { status: 'rollback-suspected' } });
    const again = await t.http
      .post(`/api/v1/vehicles/${vin}/maintenance-records`)
      .set(admin.auth)
      .send({ consentId: consent.body.id, csv })
      .expect(201);
    expect(again.body).toMatchObject({ imported: 0, skipped: 2 });
    // The import flagged the car: its trade-in payout is held, with the evidence.
    const held = await eventually(async () => {
      const o = await t.http
        .get(`/api/v1/trade-ins/${order.body.id as string}`)
        .set(owner.auth)
        .expect(200);
      return o.body.items[0].mileageHold as { status: string; evidence: unknown[] } | null;
    });
    expect(held.status).toBe('rollback-suspected');
    expect(held.evidence.length).toBeGreaterThan(0);

    // Grader and support see the evidence, dealer and work order included.
    for (const user of [support, admin]) {
      const v = await vehicle(vin, user);
      expect(v.mileage).toMatchObject({
        status: 'rollback-suspected',
        flagged: true,
        credibleKm: 58_400,
      });
      expect(v.mileage.evidence[0]).toMatchObject({
        kind: 'rollback',
        earlier: {
          km: 58_400,
          source: 'dealer-maintenance',
          sourceRef: 'GAC Toyota Pudong 4S / WO-230302-7',
        },
        later: { km: 31_000, source: 'owner-declaration' },
      });
      expect(v.mileage.readings.map((r) => [r.source, r.trust])).toEqual([
        ['dealer-maintenance', 'high'],
        ['dealer-maintenance', 'high'],
        ['owner-declaration', 'low'],
      ]);
    }
    // The owner sees the flag on their own car.
    expect((await vehicle(vin, owner)).mileage.flagged).toBe(true);

    // Buyers: the public summary and the item passport carry the flag, without dealer references.
    const summary = await t.http.get(`/api/v1/vehicles/${vin}/summary`).expect(200);
    expect(summary.body.mileageFlag).toMatchObject({ status: 'rollback-suspected', flagged: true });
    expect(JSON.stringify(summary.body)).not.toContain('WO-230302');
    const traceCode = (await vehicle(vin)).items[0].traceCode;
    const passport = await t.http.get(`/api/v1/trace/${traceCode}`).expect(200);
    expect(passport.body.vehicle.mileageFlag).toMatchObject({ status: 'rollback-suspected' });
    expect(passport.body.vehicle.vin).not.toBe(vin);

    // Support gets a fraud-review case for the item.
    await eventually(async () => {
      const res = await t.http
        .get(`/api/v1/support/cases?kind=fraud-review&itemId=${itemId}`)
        .set(support.auth);
      return (res.body as { items: unknown[] }).items.length === 1 ? res.body : null;
    });
    const flagged = await t.http.get('/api/v1/vehicles/flagged').set(support.auth).expect(200);
    expect((flagged.body as { items: Array<{ vin: string }> }).items.map((v) => v.vin)).toContain(
      vin,
    );

    // The flag lowers valuation confidence; the price uses the credible 58 400 km.
    const cleanVin = newVin();
    await carInStock(cleanVin, '2019-05-01', 58_400);
    const flaggedQuote = (
      await t.http.get(`/api/v1/vehicles/${vin}/valuation`).set(support.auth).expect(200)
    ).body as QuoteBody;
    const cleanQuote = (
      await t.http.get(`/api/v1/vehicles/${cleanVin}/valuation`).set(support.auth).expect(200)
    ).body as QuoteBody;
    expect(flaggedQuote.facts).toMatchObject({
      credibleKm: 58_400,
      mileageStatus: 'rollback-suspected',
    });
    expect(flaggedQuote.confidence).toBeLessThan(cleanQuote.confidence);

    // Consent withdrawn: no more imports.
    await t.http
      .post(`/api/v1/vehicles/${vin}/consents/${consent.body.id}/revoke`)
      .set(owner.auth)
      .send({})
      .expect(200);
    await t.http
      .post(`/api/v1/vehicles/${vin}/maintenance-records`)
      .set(admin.auth)
      .send({
        consentId: consent.body.id,
        records: [{ vin, date: '2024-01-01', km: 70000, dealer: 'X', workOrder: 'Y' }],
      })
      .expect(409);
  });

  it('scores a car under GB/T 30323, grades it and reports its level and accident grade', async () => {
    const vin = newVin();
    const leaf = await leafByCode(t, 'sedans');
    if (!leaf) throw new Error('sedans');
    const item: Item = await t.dataSource.transaction(async (m) => {
      const registered = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId: leaf.id,
        productModelId: models['toyota-camry-2020-2-5g'],
        vin,
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
      });
      return t.app.get(TransitionService).apply(ItemMachine, {
        manager: m,
        id: registered.id,
        action: 'collect',
        actor: SYSTEM_ACTOR,
        patch: { custodianKind: 'courier', custodianId: null },
      });
    });
    const pickupId = randomUUID();
    await run(ParcelDelivered, {
      pickupId,
      warehouseId: grader.organisationId ?? '',
      sealNumber: null,
      itemIds: [item.id],
      source: { kind: 'trade-in', id: randomUUID() },
      deliveredAt: new Date().toISOString(),
    });
    const [parcel] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM parcels WHERE pickup_id = $1',
      [pickupId],
    );
    await t.http
      .post(`/api/v1/receiving/parcels/${parcel.id}/receive`)
      .set(grader.auth)
      .send({ traceCodes: [item.traceCode] })
      .expect(200);
    const pending = await t.http
      .get(`/api/v1/inspections?itemId=${item.id}&state=PENDING`)
      .set(grader.auth)
      .expect(200);
    const inspectionId = pending.body.items[0].id as string;
    await t.http
      .post(`/api/v1/inspections/${inspectionId}/claim`)
      .set(grader.auth)
      .send({})
      .expect(200);
    const done = await t.http
      .post(`/api/v1/inspections/${inspectionId}/complete`)
      .set(grader.auth)
      .send({
        answers: {
          ...idealAnswers(VEHICLE_STANDARD),
          odometer_km: 44_000,
          // GB/T 30323 item by item (standard v2): body 20 − 6, engine bay 20 − 5, chassis 15 − 4.
          bolt_on_panels_replaced: true,
          body_bonnet: 'severe',
          body_boot_lid: 'severe',
          body_front_doors: 'severe',
          engine_oil_leaks: 'severe',
          chassis_front_suspension: 'severe',
          chassis_brakes: 'minor',
        },
      })
      .expect(200);
    expect(done.body.grade).toBe('good');

    // The grader's console finds the car by the item, with the GB/T 30323 report.
    const v = (await t.http.get(`/api/v1/vehicles/by-item/${item.id}`).set(grader.auth).expect(200))
      .body as VehicleBody;
    expect(v.condition).toMatchObject({
      score: 85,
      level: 2,
      accidentGrade: 'B',
      accidentVehicle: false,
      grade: 'good',
    });
    expect(v.condition?.areas).toHaveLength(6);
    expect(v.condition?.areas.find((a) => a.area === 'Chassis')).toMatchObject({
      points: 11,
      maxPoints: 15,
    });
    // The odometer the grader read is a high-trust reading of the history.
    expect(v.mileage.readings).toEqual([
      expect.objectContaining({ km: 44_000, source: 'inspection', trust: 'high' }),
    ]);
    await t.http.get(`/api/v1/vehicles/by-item/${item.id}`).set(stranger.auth).expect(404);

    const summary = await t.http.get(`/api/v1/vehicles/${vin}/summary`).expect(200);
    expect(summary.body.condition).toMatchObject({
      level: 2,
      levelNameZh: '二级',
      accidentGrade: 'B',
    });
  });

  it('checks the odometer read at inspection at once, without anyone opening the car', async () => {
    const vin = newVin();
    const leaf = await leafByCode(t, 'sedans');
    if (!leaf) throw new Error('sedans');
    const item: Item = await t.dataSource.transaction(async (m) => {
      const registered = await t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId: leaf.id,
        productModelId: models['toyota-camry-2020-2-5g'],
        vin,
        ownerId: owner.id,
        custodian: { kind: 'owner', id: owner.id },
        erasureStatus: 'not_required',
      });
      return t.app.get(TransitionService).apply(ItemMachine, {
        manager: m,
        id: registered.id,
        action: 'collect',
        actor: SYSTEM_ACTOR,
        patch: { custodianKind: 'courier', custodianId: null },
      });
    });
    // An earlier listing showed 120,000 km; nothing else is known yet, so nothing is flagged.
    await t.http
      .post(`/api/v1/vehicles/${vin}/mileage-readings`)
      .set(admin.auth)
      .send({ km: 120_000, readOn: '2024-06-01', source: 'listing', sourceRef: `l-${vin}` })
      .expect(201);
    const pickupId = randomUUID();
    await run(ParcelDelivered, {
      pickupId,
      warehouseId: grader.organisationId ?? '',
      sealNumber: null,
      itemIds: [item.id],
      source: { kind: 'trade-in', id: randomUUID() },
      deliveredAt: new Date().toISOString(),
    });
    const [parcel] = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM parcels WHERE pickup_id = $1',
      [pickupId],
    );
    await t.http
      .post(`/api/v1/receiving/parcels/${parcel.id}/receive`)
      .set(grader.auth)
      .send({ traceCodes: [item.traceCode] })
      .expect(200);
    const pending = await t.http
      .get(`/api/v1/inspections?itemId=${item.id}&state=PENDING`)
      .set(grader.auth)
      .expect(200);
    const inspectionId = pending.body.items[0].id as string;
    const bench = await t.http
      .get(`/api/v1/inspections/${inspectionId}`)
      .set(grader.auth)
      .expect(200);
    expect(bench.body.vehicle).toMatchObject({ vin, mileageFlag: { flagged: false } });
    await t.http
      .post(`/api/v1/inspections/${inspectionId}/claim`)
      .set(grader.auth)
      .send({})
      .expect(200);
    await t.http
      .post(`/api/v1/inspections/${inspectionId}/complete`)
      .set(grader.auth)
      .send({ answers: { ...idealAnswers(VEHICLE_STANDARD), odometer_km: 45_000 } })
      .expect(200);
    // The public summary does not re-assess: the flag is there because the inspection's job ran.
    const summary = await eventually(async () => {
      const res = await t.http.get(`/api/v1/vehicles/${vin}/summary`).expect(200);
      return res.body.mileageFlag.flagged ? res.body : null;
    });
    expect(summary.mileageFlag.status).toBe('rollback-suspected');
    const flagged = await t.http
      .get(`/api/v1/inspections/${inspectionId}`)
      .set(grader.auth)
      .expect(200);
    expect(flagged.body.vehicle.mileageFlag.evidence[0].kind).toBe('rollback');
  });

  it('quotes a car lower with more mileage and more age, with a line per factor', async () => {
    const [low, high, old] = [newVin(), newVin(), newVin()];
    await carInStock(low, '2020-03-01', 40_000);
    await carInStock(high, '2020-03-01', 140_000);
    await carInStock(old, '2016-03-01', 40_000);
    const quote = async (vin: string) =>
      (await t.http.get(`/api/v1/vehicles/${vin}/valuation`).set(admin.auth).expect(200))
        .body as QuoteBody;
    const [qLow, qHigh, qOld] = [await quote(low), await quote(high), await quote(old)];
    expect(qHigh.amountMinor).toBeLessThan(qLow.amountMinor);
    expect(qOld.amountMinor).toBeLessThan(qLow.amountMinor);
    const codes = qLow.lines.map((l) => l.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'launch-price',
        'age-depreciation',
        'extra:mileage',
        'extra:region',
        'grade',
      ]),
    );
    expect(qHigh.lines.find((l) => l.code === 'extra:mileage')?.label).toContain('140,000 km');
    expect(qLow.lines.reduce((s, l) => s + l.amountMinor, 0)).toBe(qLow.amountMinor);
    await t.http.get(`/api/v1/vehicles/${low}/valuation`).set(owner.auth).expect(403);
  });

  it('prices the declared mileage into a car trade-in quote, with its own line', async () => {
    const quoted = async (mileageKm: number) => {
      const created = await tradeIn(owner, [car(newVin(), mileageKm)]).expect(201);
      return eventually(async () => {
        const o = await t.http
          .get(`/api/v1/trade-ins/${created.body.id}`)
          .set(owner.auth)
          .expect(200);
        return o.body.state === 'QUOTED'
          ? (o.body.items[0] as {
              quote: { amountMinor: number; lines: Array<{ code: string; label: string }> };
            })
          : null;
      });
    };
    const low = await quoted(20_000);
    const high = await quoted(250_000);
    expect(high.quote.amountMinor).toBeLessThan(low.quote.amountMinor);
    const line = high.quote.lines.find((l) => l.code === 'extra:mileage');
    expect(line?.label).toContain('250,000 km');
  });

  it('keeps a car sale incomplete until the ownership transfer task is done', async () => {
    const vin = newVin();
    await carInStock(vin, '2021-01-10', 30_000);
    const itemId = (await vehicle(vin)).items[0].id;
    const saleOrderId = randomUUID();
    const facts = t.app.get(VehicleFactsService);
    // Resale asks before the tasks exist: a car sale requires the transfer, not done yet.
    expect(await facts.transferStatus(saleOrderId, [itemId])).toMatchObject({
      required: true,
      done: false,
    });

    const payload = {
      saleOrderId,
      itemIds: [itemId],
      merchantOrganisationId: merchant.organisationId,
      buyerId: stranger.id,
    };
    await run(OpenVehiclePaperwork, payload);
    await run(OpenVehiclePaperwork, payload); // delivered twice: one set of tasks
    const list = await t.http
      .get(`/api/v1/vehicle-paperwork?saleOrderId=${saleOrderId}`)
      .set(merchant.auth)
      .expect(200);
    const tasks = list.body.items as Array<{
      id: string;
      kind: string;
      state: string;
      version: number;
      allowedActions: string[];
    }>;
    expect(tasks.map((x) => x.kind).sort()).toEqual([
      'insurance',
      'ownership-transfer',
      'registration',
    ]);
    expect(tasks.every((x) => x.state === 'OPEN')).toBe(true);
    const transfer = tasks.find((x) => x.kind === 'ownership-transfer');
    if (!transfer) throw new Error('no transfer task');
    // The merchant may block the transfer but not record it: that is the platform's staff.
    expect(transfer.allowedActions.sort()).toEqual(['block']);
    await t.http
      .get(`/api/v1/vehicle-paperwork/${transfer.id}`)
      .set(otherMerchant.auth)
      .expect(404);
    // The buyer follows the paperwork, but does not do it.
    await t.http.get(`/api/v1/vehicle-paperwork/${transfer.id}`).set(stranger.auth).expect(200);
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/complete`)
      .set(stranger.auth)
      .send({})
      .expect(403);

    // Registration and insurance done: the sale is still not complete.
    for (const x of tasks.filter((x) => x.kind !== 'ownership-transfer')) {
      await t.http
        .post(`/api/v1/vehicle-paperwork/${x.id}/complete`)
        .set(merchant.auth)
        .send({})
        .expect(200);
    }
    expect((await facts.transferStatus(saleOrderId, [itemId])).done).toBe(false);

    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/block`)
      .set(merchant.auth)
      .send({})
      .expect(400);
    const blocked = await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/block`)
      .set(merchant.auth)
      .send({ reason: 'Seller registration certificate missing' })
      .expect(200);
    expect(blocked.body).toMatchObject({
      state: 'BLOCKED',
      blockedReason: 'Seller registration certificate missing',
    });
    expect((await facts.transferStatus(saleOrderId, [itemId])).done).toBe(false);
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/complete`)
      .set(merchant.auth)
      .send({ version: blocked.body.version, reference: 'Transfer 沪2025-001234' })
      .expect(409);
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/record-transfer`)
      .set(merchant.auth)
      .send({ documentNumber: 'SH-2025-001234', scanReference: 'scan://t/1.pdf' })
      .expect(403);
    // Only the warehouse that last held the car records its transfer.
    const elsewhere = await t.user('warehouse');
    await t.http.get(`/api/v1/vehicle-paperwork/${transfer.id}`).set(elsewhere.auth).expect(404);
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/record-transfer`)
      .set(elsewhere.auth)
      .send({ documentNumber: 'SH-2025-001234', scanReference: 'scan://t/1.pdf' })
      .expect(404);
    // The document number and the scan are required.
    const missing = await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/record-transfer`)
      .set(grader.auth)
      .send({ scanReference: 'scan://t/1.pdf' })
      .expect(400);
    expect(JSON.stringify(missing.body)).toContain('documentNumber');
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/record-transfer`)
      .set(grader.auth)
      .send({
        version: transfer.version,
        documentNumber: 'SH-2025-001234',
        scanReference: 'scan://t/1.pdf',
      })
      .expect(409);
    const done = await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/record-transfer`)
      .set(grader.auth)
      .send({
        version: blocked.body.version,
        documentNumber: 'SH-2025-001234',
        scanReference: 'scan://transfers/SH-2025-001234.pdf',
      })
      .expect(200);
    expect(done.body).toMatchObject({
      state: 'DONE',
      allowedActions: [],
      documentNumber: 'SH-2025-001234',
      scanReference: 'scan://transfers/SH-2025-001234.pdf',
    });
    await t.http
      .post(`/api/v1/vehicle-paperwork/${transfer.id}/unblock`)
      .set(merchant.auth)
      .send({})
      .expect(409);
    expect(await facts.transferStatus(saleOrderId, [itemId])).toMatchObject({
      required: true,
      done: true,
    });

    // A sale with no car needs no transfer.
    expect(await facts.transferStatus(randomUUID(), [])).toMatchObject({
      required: false,
      done: true,
    });
  });

  it('seeds reference cars, some of them rolled back, idempotently', async () => {
    const ctx = seedContext(t, {
      organisations: { 'warehouse-shanghai': grader.organisationId ?? '' },
      users: { customer: { id: owner.id, email: owner.email, role: 'customer' } },
    });
    await vehiclesSeed.run(ctx);
    const count = async () =>
      (
        await t.dataSource.query<Array<{ n: number }>>(
          'SELECT count(*)::int AS n FROM vehicle_mileage_readings',
        )
      )[0].n;
    const before = await count();
    await vehiclesSeed.run(ctx);
    expect(await count()).toBe(before);
    const rows = await t.dataSource.query<Array<{ status: string; n: number }>>(
      `SELECT v.mileage_status AS status, count(*)::int AS n FROM vehicles v
        WHERE EXISTS (SELECT 1 FROM vehicle_mileage_readings r
                       WHERE r.vin = v.vin AND r.dedupe_key LIKE '%seed:%')
        GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { status: 'clear', n: 3 },
      { status: 'implausible', n: 1 },
      { status: 'rollback-suspected', n: 3 },
    ]);
  });

  it('has a car inspected at the address instead of bagged', async () => {
    const vin = newVin();
    const order = await tradeIn(owner, [car(vin)]).expect(201);
    await eventually(async () => {
      const o = await t.http.get(`/api/v1/trade-ins/${order.body.id}`).set(owner.auth);
      return o.body.state === 'QUOTED' ? o.body : null;
    });
    await t.http
      .post(`/api/v1/trade-ins/${order.body.id}/accept`)
      .set(owner.auth)
      .send({})
      .expect(200);
    const [pickup] = await eventually(async () => {
      const rows = await t.dataSource.query<
        Array<{ id: string; mode: string; special_packaging: boolean }>
      >(
        "SELECT id, mode, special_packaging FROM pickups WHERE source_id = $1 AND direction = 'inbound'",
        [order.body.id],
      );
      return rows.length > 0 ? rows : null;
    });
    expect(pickup).toMatchObject({ mode: 'inspection-at-address', special_packaging: false });

    // The same custody rules, with photos of the odometer and VIN plate in place of a seal.
    const courier = await t.user('courier');
    await t.http
      .put(`/api/v1/couriers/${courier.id}`)
      .set(admin.auth)
      .send({ capacityPerWindow: 10, areaCodes: ['310100'] })
      .expect(200);
    await t.http
      .post(`/api/v1/pickups/${pickup.id}/assign`)
      .set(admin.auth)
      .send({ courierId: courier.id })
      .expect(200);
    const view = await t.http.get(`/api/v1/pickups/${pickup.id}`).set(courier.auth).expect(200);
    expect(view.body.mode).toBe('inspection-at-address');
    await t.http.post(`/api/v1/pickups/${pickup.id}/start`).set(courier.auth).send({}).expect(200);
    const traceCodes = [(await vehicle(vin)).items[0].traceCode];
    const noPhotos = await t.http
      .post(`/api/v1/pickups/${pickup.id}/collect`)
      .set(courier.auth)
      .send({ traceCodes })
      .expect(400);
    expect(noPhotos.body.fields[0].field).toBe('photoRefs');
    await t.http
      .post(`/api/v1/pickups/${pickup.id}/collect`)
      .set(courier.auth)
      .send({ traceCodes, photoRefs: ['photos/odometer.jpg', 'photos/vin-plate.jpg'] })
      .expect(200);
    const [item] = await t.dataSource.query<Array<{ state: string; custodian_id: string }>>(
      'SELECT state, custodian_id FROM items WHERE vin = $1',
      [vin],
    );
    expect(item).toEqual({ state: 'IN_TRANSIT', custodian_id: courier.id });
  });
});
