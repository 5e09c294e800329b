import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemMachine } from '../../src/core/items/item.machine.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { OpenSupportCase, RunErasure } from '../../src/core/jobs/job-catalogue.js';
import { TransitionService } from '../../src/core/state-machine/transition.service.js';
import { SimulatedStation } from '../../src/erasure/domain/index.js';
import { ErasureStations } from '../../src/erasure/stations.js';
import { pdfText } from '../support/pdf-text.js';
import { registerStation, type TestStation } from '../support/stations.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf, timelineOf } from '../support/reads.js';

const HDD_SERIAL = 'WD-WCAYU1234567';
// nwipe's certificate fields: DoD Short (3 passes + blanking) on a magnetic drive, verified.
const NWIPE_REPORT = `Disk Erasure Report
Make/Model: WDC WD5000AAKX-00ERMA0
Serial: ${HDD_SERIAL}
Bus: ATA
Size(Real): 500GB, 500107862016 bytes
Start time: 2026/11/01 09:00:00
End time: 2026/11/01 12:42:10
Status: ERASED
Method: DoD Short
Final Pass(Zeros/Ones/None): Zeros
Verify Pass(Last/All/None): Last
*Bytes Erased: 500107862016, (100.00%)
Rounds(completed/requested): 1/1
Errors(pass/sync/verify): 0/0/0
Name/ID: Li Wei
Disc Erasure by NWIPE version 0.37`;

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

describe('erasure', () => {
  let t: TestApp;
  let ds: DataSource;
  let items: ItemsService;
  let stations: ErasureStations;
  let warehouse: TestUser;
  let colleague: TestUser;
  let otherWarehouse: TestUser;
  let owner: TestUser;
  let support: TestUser;
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
    colleague = await t.user('warehouse', { organisationId: warehouse.organisationId! });
    otherWarehouse = await t.user('warehouse');
    owner = await t.user('customer');
    support = await t.user('support');
    // Imported reports count only when signed by a registered station of the warehouse.
    station = await registerStation(t, await t.user('admin'), warehouse.organisationId!);
  });
  afterAll(() => t.close());

  const reliable = () =>
    stations.use(new SimulatedStation({ seed: 'ok', failureRate: 0, verificationFailureRate: 0 }));

  const newItem = (
    extra: Partial<{ categoryId: string; imei: string }> = {},
    holder: TestUser = warehouse,
  ) =>
    ds.transaction((m) =>
      items.register(m, SYSTEM_ACTOR, {
        ownerId: owner.id,
        custodian: { kind: 'warehouse', id: holder.organisationId },
        erasureStatus: 'pending',
        state: 'RECEIVED',
        ...extra,
      }),
    );

  const addMedium = async (
    itemId: string,
    body: Record<string, unknown>,
    holder: TestUser = warehouse,
  ) => {
    const res = await t.http
      .post(`/api/v1/items/${itemId}/storage-media`)
      .set(holder.auth)
      .send(body);
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };

  /** The warehouse starts the wipe by hand (POST /api/v1/items/:id/start-erasure). */
  const startWipe = async (itemId: string, holder: TestUser = warehouse) => {
    const res = await t.http.post(`/api/v1/items/${itemId}/start-erasure`).set(holder.auth);
    expect(res.status).toBe(200);
  };

  const erasuresOf = async (itemId: string, as: TestUser = warehouse) => {
    const res = await t.http.get(`/api/v1/erasures?itemId=${itemId}`).set(as.auth);
    expect(res.status).toBe(200);
    return res.body.items as ErasureBody[];
  };

  /** An import-report body signed by the warehouse's station. */
  const signed = (erasureId: string, content: string, extra: Record<string, unknown> = {}) => ({
    content,
    ...extra,
    ...station.signReport(erasureId, content),
  });

  const itemRow = (id: string) => itemOf(t, id);
  const count = async (sql: string, params: unknown[]) =>
    Number((await ds.query<Array<{ n: number }>>(sql, params))[0].n);

  it('serves certificates as signed JSON and PDF, to the owner and the warehouse only, and verifies them publicly', async () => {
    reliable();
    // A Chinese warehouse (registered by an admin) and phone model: the PDF prints them in the
    // embedded CJK font.
    const cjkWarehouse = await t.http
      .post('/api/v1/organisations')
      .set((await t.user('admin')).auth)
      .send({ kind: 'warehouse', name: '上海浦东回收仓' })
      .expect(201);
    const pudong = await t.user('warehouse', { organisationId: cjkWarehouse.body.id as string });
    const phone = await newItem({ imei: '356938035643809' }, pudong);
    await addMedium(
      phone.id,
      {
        mediaType: 'flash',
        capacityBytes: 128e9,
        manufacturer: '华为',
        model: 'Mate 60 Pro 雅川青',
      },
      pudong,
    );
    await startWipe(phone.id, pudong);
    const [wiped] = await eventually(async () => {
      const list = await erasuresOf(phone.id, pudong);
      return list[0]?.state === 'SUCCEEDED' ? list : null;
    });
    const id = wiped.certificate!.id;

    const asOwner = await t.http.get(`/api/v1/certificates/${id}`).set(owner.auth);
    expect(asOwner.status).toBe(200);
    const signed = asOwner.body as {
      document: {
        certificateId: string;
        kind: string;
        media: { serial: string; mediaType: string; source: { itemTraceCode: string } };
        sanitization: {
          level: string;
          technique: string;
          tool: { name: string };
          verification: { method: string; outcome: string };
        };
        operator: { name: string };
        verifier: { name: string };
        destination: string;
      };
      signature: string;
      keyId: string;
      algorithm: string;
    };
    expect(signed).toMatchObject({
      algorithm: 'Ed25519',
      keyId: expect.stringMatching(/^ed25519-/),
      document: {
        certificateId: wiped.certificate!.certificateId,
        kind: 'erasure',
        // A phone's flash has no serial of its own on record: the device's IMEI identifies it.
        media: {
          serial: '356938035643809',
          mediaType: 'flash',
          source: { itemTraceCode: phone.traceCode },
        },
        sanitization: {
          level: 'Purge',
          verification: { method: 'full', outcome: 'passed' },
          tool: { name: 'reloop-simulated-station' },
        },
        destination: 'reuse',
      },
    });
    expect(signed.document.operator.name).toBeTruthy();
    expect(signed.document.verifier.name).toBeTruthy();

    expect((await t.http.get(`/api/v1/certificates/${id}`).set(pudong.auth)).status).toBe(200);
    expect((await t.http.get(`/api/v1/certificates/${id}`).set(support.auth)).status).toBe(200);
    expect((await t.http.get(`/api/v1/certificates/${id}`).set(otherWarehouse.auth)).status).toBe(
      404,
    );
    const stranger = await t.user('customer');
    expect((await t.http.get(`/api/v1/certificates/${id}`).set(stranger.auth)).status).toBe(404);
    const mine = await t.http.get(`/api/v1/certificates?itemId=${phone.id}`).set(owner.auth);
    expect(mine.body.items).toHaveLength(1);
    const theirs = await t.http.get(`/api/v1/certificates?itemId=${phone.id}`).set(stranger.auth);
    expect(theirs.body.items).toHaveLength(0);

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
    expect(pdf.headers['content-type']).toContain('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(pdf.body as Buffer);
    for (const words of ['华为', 'Mate 60 Pro 雅川青', '上海浦东回收仓'])
      expect(text).toContain(words);
    expect(text).not.toContain('??');

    // Anyone can verify, without an account.
    const ok = await t.http.post('/api/v1/certificates/verify').send(signed);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ valid: true, signature: 'ok', matchesRecord: true });
    const stored = await t.http.get(`/api/v1/certificates/${id}/verify`);
    expect(stored.body).toMatchObject({ valid: true, level: 'Purge', revoked: false });

    // Tampering with any field breaks it.
    const tampered = structuredClone(signed);
    tampered.document.sanitization.level = 'Destroy';
    const bad = await t.http.post('/api/v1/certificates/verify').send(tampered);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({
      valid: false,
      signature: 'bad-signature',
      matchesRecord: false,
    });
    const otherSerial = structuredClone(signed);
    otherSerial.document.media.serial = '356938035643800';
    expect((await t.http.post('/api/v1/certificates/verify').send(otherSerial)).body.valid).toBe(
      false,
    );
    const forgedKey = { ...signed, keyId: 'ed25519-notourkey000000' };
    expect((await t.http.post('/api/v1/certificates/verify').send(forgedKey)).body).toMatchObject({
      valid: false,
      signature: 'unknown-key',
    });
    const malformed = await t.http.post('/api/v1/certificates/verify').send({ document: 'x' });
    expect(malformed.status).toBe(400);
  });

  it('imports real tool reports matched by serial, refuses a wrong serial and checks the policy', async () => {
    stations.use(null); // wipes are done with external tools and imported
    try {
      const phone = await newItem();
      const medium = await addMedium(phone.id, {
        mediaType: 'flash',
        serial: 'F17ABC123',
        manufacturer: 'Apple',
        capacityBytes: 128e9,
      });
      const started = await t.http
        .post(`/api/v1/items/${phone.id}/start-erasure`)
        .set(warehouse.auth);
      expect(started.status).toBe(200);
      const [queued] = started.body.items as ErasureBody[];
      expect(queued).toMatchObject({
        state: 'QUEUED',
        allowedActions: expect.arrayContaining(['import-report']),
      });
      expect(
        await count(
          `SELECT count(*)::int AS n FROM outbox WHERE name = $1 AND payload->>'erasureId' = $2`,
          [RunErasure.name, queued.id],
        ),
      ).toBe(0);

      const wrong = await t.http
        .post(`/api/v1/erasures/${queued.id}/import-report`)
        .set(warehouse.auth)
        .send(signed(queued.id, blancco('F17XYZ999')));
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'SERIAL_MISMATCH', mediumSerial: 'F17ABC123' });
      expect((await erasuresOf(phone.id))[0].state).toBe('QUEUED');

      const garbage = await t.http
        .post(`/api/v1/erasures/${queued.id}/import-report`)
        .set(warehouse.auth)
        .send(signed(queued.id, '{"report": {}}'));
      expect(garbage.status).toBe(400);

      // A report counts only when a registered station of the warehouse signed it (issue 17):
      // unsigned → 400, signed over other content, for another wipe, by a stranger's key, by
      // another organisation's station or by a revoked station → 403; nothing is recorded.
      const report = blancco('F17ABC123');
      const importing = (body: Record<string, unknown>) =>
        t.http.post(`/api/v1/erasures/${queued.id}/import-report`).set(warehouse.auth).send(body);
      const unsigned = await importing({ content: report });
      expect(unsigned.status).toBe(400);
      expect(
        (unsigned.body as { fields: Array<{ field: string }> }).fields.map((f) => f.field),
      ).toEqual(expect.arrayContaining(['stationId', 'signature']));
      const tampered = await importing({
        ...station.signReport(queued.id, blancco('F17ABC124')),
        content: report,
      });
      expect(tampered.status).toBe(403);
      expect(tampered.body).toMatchObject({ code: 'report_signature_invalid' });
      const otherWipe = await importing({
        ...station.signReport(phone.id, report),
        content: report,
      });
      expect(otherWipe.body).toMatchObject({ code: 'report_signature_invalid' });
      const admin = await t.user('admin');
      const foreign = await registerStation(t, admin, otherWarehouse.organisationId!);
      const foreignSigned = await importing({
        ...foreign.signReport(queued.id, report),
        content: report,
      });
      expect(foreignSigned.status).toBe(403);
      const revokedStation = await registerStation(t, admin, warehouse.organisationId!);
      const revoke = await t.http
        .post(`/api/v1/stations/${revokedStation.id}/revoke`)
        .set(admin.auth)
        .send({ reason: 'key leaked' });
      expect(revoke.status).toBe(200);
      expect(revoke.body).toMatchObject({ revoked: true });
      const byRevoked = await importing({
        ...revokedStation.signReport(queued.id, report),
        content: report,
      });
      expect(byRevoked.status).toBe(403);
      expect(byRevoked.body).toMatchObject({ code: 'station_revoked' });
      const unchanged = (await erasuresOf(phone.id))[0];
      expect(unchanged).toMatchObject({ state: 'QUEUED', version: queued.version, runs: [] });

      // Other warehouses do not see it; a customer may not import.
      expect(
        (
          await t.http
            .post(`/api/v1/erasures/${queued.id}/import-report`)
            .set(otherWarehouse.auth)
            .send(signed(queued.id, blancco('F17ABC123')))
        ).status,
      ).toBe(404);
      expect(
        (
          await t.http
            .post(`/api/v1/erasures/${queued.id}/import-report`)
            .set(owner.auth)
            .send(signed(queued.id, blancco('F17ABC123')))
        ).status,
      ).toBe(403);

      const right = await t.http
        .post(`/api/v1/erasures/${queued.id}/import-report`)
        .set(warehouse.auth)
        .send(signed(queued.id, blancco('f17abc123 ')));
      expect(right.status).toBe(200);
      expect(right.body).toMatchObject({ state: 'SUCCEEDED', certificate: { revoked: false } });
      const cert = await t.http
        .get(`/api/v1/certificates/${(right.body as ErasureBody).certificate!.id}`)
        .set(owner.auth);
      expect(cert.body.document).toMatchObject({
        media: { serial: 'F17ABC123', manufacturer: 'Apple', mediumId: medium.id },
        sanitization: {
          technique: 'crypto-erase',
          tool: { name: expect.stringContaining('Blancco') },
        },
        operator: { name: 'Zhang San' },
      });
      expect((await itemRow(phone.id)).erasureStatus).toBe('certified');
      const again = await t.http
        .post(`/api/v1/erasures/${queued.id}/import-report`)
        .set(warehouse.auth)
        .send(signed(queued.id, blancco('F17ABC123')));
      expect(again.status).toBe(409);

      // nwipe's overwrite of a magnetic drive does not meet NIST Purge (the policy before
      // 2027): no certificate, the wipe goes back to the queue for another try.
      const desktop = await newItem();
      await addMedium(desktop.id, {
        mediaType: 'hdd',
        serial: HDD_SERIAL,
        capacityBytes: 500107862016,
      });
      const s2 = await t.http.post(`/api/v1/items/${desktop.id}/start-erasure`).set(warehouse.auth);
      const hdd = (s2.body.items as ErasureBody[])[0];
      const refused = await t.http
        .post(`/api/v1/erasures/${hdd.id}/import-report`)
        .set(warehouse.auth)
        .send(signed(hdd.id, NWIPE_REPORT, { format: 'nwipe' }));
      expect(refused.status).toBe(200);
      expect(refused.body).toMatchObject({ state: 'QUEUED', attempt: 2, certificate: null });
      expect(
        (refused.body as { violations: Array<{ code: string }> }).violations.map((v) => v.code),
      ).toContain('TECHNIQUE_NOT_ALLOWED');
      expect((await itemRow(desktop.id)).erasureStatus).toBe('pending');
    } finally {
      reliable();
    }
  });

  it('retries a failing wipe with backoff, then routes the medium to certified destruction', async () => {
    stations.use(new SimulatedStation({ seed: 'broken', failureRate: 1 }));
    try {
      const phone = await newItem();
      await addMedium(phone.id, {
        mediaType: 'flash',
        serial: 'BROKEN-FLASH-1',
        capacityBytes: 64e9,
      });
      await startWipe(phone.id);
      const [routed] = await eventually(async () => {
        const list = await erasuresOf(phone.id);
        return list[0]?.state === 'AWAITING_DESTRUCTION' ? list : null;
      });
      expect(routed.attempt).toBe(3);
      expect(routed.runs).toHaveLength(3);
      expect(routed.allowedActions).toEqual(['record-destruction']);
      // The wipe's history, as the item's timeline shows it (GET /api/v1/items/:id/timeline).
      const history = (await timelineOf(t, phone.id)).filter((e) => e.entityId === routed.id);
      const types = history.map((e) => e.type);
      expect(types.filter((x) => x === 'Erasure.fail')).toHaveLength(3);
      expect(types.filter((x) => x === 'Erasure.retry')).toHaveLength(2);
      expect(types[types.length - 1]).toBe('Erasure.route-to-destruction');
      // The retries waited: 50 ms, then 100 ms (exponential backoff).
      // The delay is asserted as recorded: wall-clock gaps between runAt and the event's
      // timestamp vary with machine load.
      const retries = history.filter((e) => e.type === 'Erasure.retry') as unknown as Array<{
        data: { runAt: string; delayMs: number };
      }>;
      expect(retries.map((r) => r.data.delayMs)).toEqual([50, 100]);

      // Routed, not destroyed yet: the medium still holds data (issue 17).
      expect((await itemRow(phone.id)).erasureStatus).toBe('pending');
      const cases = await ds.query<Array<{ payload: { kind: string; dedupeKey: string } }>>(
        `SELECT payload FROM outbox WHERE name = $1 AND payload->'itemIds' ? $2`,
        [OpenSupportCase.name, phone.id],
      );
      expect(cases).toHaveLength(1);
      expect(cases[0].payload).toMatchObject({
        kind: 'erasure-failure',
        dedupeKey: `erasure-failure:${routed.id}`,
      });

      // Destruction needs a witness other than the operator.
      const url = `/api/v1/erasures/${routed.id}/record-destruction`;
      const body = {
        equipmentName: 'SSD disintegrator DS-2',
        equipmentVersion: '2026.1',
        particleSizeMm: 2,
        facility: 'Shanghai warehouse',
      };
      const self = await t.http
        .post(url)
        .set(warehouse.auth)
        .send({ ...body, witnessId: warehouse.id });
      expect(self.status).toBe(400);
      const outsider = await t.http
        .post(url)
        .set(warehouse.auth)
        .send({ ...body, witnessId: otherWarehouse.id });
      expect(outsider.status).toBe(400);
      const recorded = await t.http
        .post(url)
        .set(warehouse.auth)
        .send({ ...body, witnessId: colleague.id });
      expect(recorded.status).toBe(200);
      expect(recorded.body).toMatchObject({
        state: 'DESTROYED',
        certificate: { certificateId: expect.stringMatching(/^DC-/) },
      });
      expect((await itemRow(phone.id)).erasureStatus).toBe('destroyed');
      const cert = await t.http
        .get(`/api/v1/certificates/${(recorded.body as ErasureBody).certificate!.id}`)
        .set(owner.auth);
      expect(cert.body.document).toMatchObject({
        kind: 'destruction',
        destination: 'destroy',
        sanitization: {
          level: 'Destroy',
          technique: 'disintegrate',
          verification: { method: 'visual' },
        },
      });
      expect((await t.http.post('/api/v1/certificates/verify').send(cert.body)).body.valid).toBe(
        true,
      );
      expect(
        (
          await t.http
            .post(url)
            .set(warehouse.auth)
            .send({ ...body, witnessId: colleague.id })
        ).status,
      ).toBe(409);

      // A destroyed medium keeps the device off sale for good.
      const transitions = t.app.get(TransitionService);
      await transitions.apply(ItemMachine, {
        id: phone.id,
        action: 'make-available',
        actor: SYSTEM_ACTOR,
      });
      const refused = await transitions
        .apply(ItemMachine, { id: phone.id, action: 'allocate', actor: SYSTEM_ACTOR })
        .catch((e: unknown) => e);
      expect((refused as { getStatus(): number }).getStatus()).toBe(409);
    } finally {
      reliable();
    }
  });

  it('re-verifies at least 5 % of wipes per batch by a different operator', async () => {
    reliable();
    // A warehouse of its own, so today's batch holds only these wipes: 40 of them make at least
    // ceil(5 % · 40) = 2 picks (picks are sticky, so often more), all this operator's; earlier
    // tests' wipes would otherwise share the batch and the draw.
    const operator = await t.user('warehouse');
    const secondOperator = await t.user('warehouse', { organisationId: operator.organisationId! });
    const batch: string[] = [];
    for (let i = 0; i < 40; i++) {
      const item = await newItem({}, operator);
      await addMedium(
        item.id,
        { mediaType: 'ssd', serial: `SAMPLE-${i}`, capacityBytes: 256e9 },
        operator,
      );
      const res = await t.http.post(`/api/v1/items/${item.id}/start-erasure`).set(operator.auth);
      expect(res.status).toBe(200);
      batch.push((res.body.items as ErasureBody[])[0].id);
    }
    const wipes = await eventually(async () => {
      // Each wipe as the operator sees it (GET /api/v1/erasures/:id).
      const rows = await Promise.all(
        batch.map(async (id) => {
          const res = await t.http.get(`/api/v1/erasures/${id}`).set(operator.auth).expect(200);
          const e = res.body as ErasureBody & { batchId: string };
          return {
            id: e.id,
            state: e.state,
            sampled: e.sampling.sampled,
            batch_id: e.batchId,
            operator_id: e.operator.id,
            reverifier_id: e.sampling.reverifierId,
          };
        }),
      );
      return rows.every((r) => r.state === 'SUCCEEDED') ? rows : null;
    }, 60_000);
    expect(new Set(wipes.map((w) => w.operator_id))).toEqual(new Set([operator.id]));

    const report = await t.http.get('/api/v1/erasures/sampling').set(operator.auth);
    expect(report.status).toBe(200);
    const byBatch = report.body.byBatch as Array<{
      batchId: string;
      total: number;
      sampled: number;
      rate: number;
      meetsTarget: boolean;
    }>;
    expect(byBatch.length).toBeGreaterThan(0);
    for (const b of byBatch) {
      expect(b.rate).toBeGreaterThanOrEqual(0.05);
      expect(b.meetsTarget).toBe(true);
    }
    const mine = (
      report.body.byOperator as Array<{
        operatorId: string;
        total: number;
        sampled: number;
        rate: number;
      }>
    ).find((o) => o.operatorId === operator.id)!;
    expect(mine.total).toBe(40);
    expect(mine.sampled).toBeGreaterThanOrEqual(2);
    expect(mine.rate).toBeCloseTo(mine.sampled / 40);
    expect(report.body.operators[operator.id]).toBeTruthy();
    // Another warehouse sees nothing of it.
    const foreign = await t.http.get('/api/v1/erasures/sampling').set(otherWarehouse.auth);
    expect(foreign.body.overall.total).toBe(0);
    expect((await t.http.get('/api/v1/erasures/sampling').set(owner.auth)).status).toBe(403);

    // The picked wipes go to the other operator of the warehouse.
    const picked = wipes.filter((w) => w.sampled);
    expect(picked.length).toBe(mine.sampled);
    for (const p of picked) expect(p.reverifier_id).toBe(secondOperator.id);

    const [first, second] = picked;
    const own = await t.http
      .post(`/api/v1/erasures/${first.id}/reverify`)
      .set(operator.auth)
      .send({ outcome: 'passed' });
    expect(own.status).toBe(409);
    const passed = await t.http
      .post(`/api/v1/erasures/${first.id}/reverify`)
      .set(secondOperator.auth)
      .send({ outcome: 'passed' });
    expect(passed.status).toBe(200);

    // A failed re-check revokes the certificate and wipes the medium again.
    const failed = await t.http
      .post(`/api/v1/erasures/${second.id}/reverify`)
      .set(secondOperator.auth)
      .send({ outcome: 'failed', notes: 'residual data found in a sample' });
    expect(failed.status).toBe(200);
    expect(failed.body.certificate.revoked).toBe(true);
    const itemId = (failed.body as { itemId: string }).itemId;
    const revoked = await t.http.get(
      `/api/v1/certificates/${(failed.body as ErasureBody).certificate!.id}/verify`,
    );
    expect(revoked.body).toMatchObject({ valid: false, revoked: true });
    await eventually(async () => {
      const list = await erasuresOf(itemId, operator);
      return list.length === 2 && list.every((e) => e.state === 'SUCCEEDED');
    });
    expect((await itemRow(itemId)).erasureStatus).toBe('certified');

    const after = await t.http.get('/api/v1/erasures/sampling').set(operator.auth);
    expect(after.body.overall.reverified).toBe(2);
    expect(after.body.overall.failed).toBe(1);
  }, 180_000);

  it('creates the media from the category when none are registered, and hides wipes from others', async () => {
    reliable();
    // A leaf as the catalog keeps it (storage_media per leaf), read back over HTTP
    // (GET /api/v1/categories/:id).
    const [top] = await ds.query<Array<{ id: string }>>(
      `INSERT INTO categories (code, name, name_zh, level) VALUES ('erasure-digital', 'Digital', '数码', 1) RETURNING id`,
    );
    const [mid] = await ds.query<Array<{ id: string }>>(
      `INSERT INTO categories (code, name, name_zh, level, parent_id)
       VALUES ('erasure-computers', 'Computers', '电脑', 2, $1) RETURNING id`,
      [top.id],
    );
    const [leaf] = await ds.query<Array<{ id: string }>>(
      `INSERT INTO categories (code, name, name_zh, level, parent_id, requires_erasure, identifier,
         standard_code, typical_weight_grams, scrap_value_minor, storage_media)
       VALUES ('erasure-workstations', 'Workstations', '工作站', 3, $1, true, 'serial', 'laptops',
         9000, 20000, $2::jsonb) RETURNING id`,
      [
        mid.id,
        JSON.stringify([
          { type: 'ssd', interface: 'nvme' },
          { type: 'hdd', interface: 'sata' },
        ]),
      ],
    );
    const stored = await t.http.get(`/api/v1/categories/${leaf.id}`).expect(200);
    expect(stored.body.storageMedia).toHaveLength(2);
    const workstation = await newItem({ categoryId: leaf.id });
    await startWipe(workstation.id);
    const list = await eventually(async () => {
      const l = await erasuresOf(workstation.id);
      return l.length === 2 && l.every((e) => e.state === 'SUCCEEDED') ? l : null;
    });
    const media = await t.http.get(`/api/v1/items/${workstation.id}/storage-media`).set(owner.auth);
    expect(media.status).toBe(200);
    expect(
      (media.body.items as Array<{ mediaType: string; source: string }>).map((m) => [
        m.mediaType,
        m.source,
      ]),
    ).toEqual([
      ['ssd', 'catalog'],
      ['hdd', 'catalog'],
    ]);
    // Identity is fixed once wiped.
    const mediumId = (media.body.items as Array<{ id: string }>)[0].id;
    const edit = await t.http
      .patch(`/api/v1/storage-media/${mediumId}`)
      .set(warehouse.auth)
      .send({ serial: 'LATE-1' });
    expect(edit.status).toBe(409);

    expect(
      (await t.http.get(`/api/v1/erasures/${list[0].id}`).set(otherWarehouse.auth)).status,
    ).toBe(404);
    expect((await t.http.get(`/api/v1/erasures/${list[0].id}`).set(owner.auth)).status).toBe(200);
    expect((await erasuresOf(workstation.id, otherWarehouse)).length).toBe(0);
    expect(
      (await t.http.get(`/api/v1/items/${workstation.id}/storage-media`).set(otherWarehouse.auth))
        .status,
    ).toBe(404);
  });
});
