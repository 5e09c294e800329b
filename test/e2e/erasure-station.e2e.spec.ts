// The wiping station against real nwipe on real loop devices (issue 17 points 1–2). Needs root
// (losetup, writing block devices) and Debian's nwipe: both are there in CI (.ci/run).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { loadStationConfig } from '../../src/station/station-config.js';
import { StationAgent } from '../../src/station/station-agent.js';
import { sampleOffsets } from '../../src/station/sample-verify.js';
import { registerStation, stationKeyPair, type TestStation } from '../support/stations.js';
import { createTestApp, eventually, type TestApp, type TestUser } from '../support/test-app.js';
import { itemOf } from '../support/reads.js';

const MIB = 2 ** 20;
const IMAGE_BYTES = 64 * MIB;
const PATTERN = 0xa5;

interface ErasureBody {
  id: string;
  state: string;
  version: number;
  attempt: number;
  stationId: string | null;
  device: string | null;
  failureReason: string | null;
  progress: { phase: string; percent: number } | null;
  runs: Array<{ status: string; tool: { name: string }; failureReason?: string }>;
  certificate: { id: string; certificateId: string } | null;
}

describe('erasure station (nwipe on loop devices)', () => {
  let t: TestApp;
  let warehouse: TestUser;
  let admin: TestUser;
  let station: TestStation;
  let platformUrl: string;
  const dir = mkdtempSync(join(tmpdir(), 'reloop-station-'));
  const loops: string[] = [];
  const loopSerials: string[] = [];

  /** A file full of the pattern, attached as a loop device whose identity is `serial`. */
  const patternedDevice = (name: string, serial: string) => {
    const file = join(dir, `${name}.img`);
    writeFileSync(file, Buffer.alloc(IMAGE_BYTES, PATTERN));
    const device = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    loops.push(device);
    loopSerials.push(`${file}=${serial}`);
    return { file, device };
  };
  const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
  const patternBytesIn = (file: string) => {
    const data = readFileSync(file);
    let n = 0;
    for (let i = data.indexOf(PATTERN); i !== -1; i = data.indexOf(PATTERN, i + 1)) n++;
    return n;
  };

  const agent = (extra: Record<string, string> = {}, keyPem = station.privateKeyPem) =>
    new StationAgent(
      loadStationConfig({
        STATION_PLATFORM_URL: platformUrl,
        STATION_ID: station.id,
        STATION_KEY: keyPem,
        STATION_DEVICES: '/dev/loop*',
        STATION_LOOP_SERIALS: loopSerials.join(','),
        STATION_WORK_DIR: join(dir, 'logs'),
        STATION_PROGRESS_MS: '100',
        ...extra,
      }),
      () => undefined,
    );

  const erasure = async (id: string) => {
    const res = await t.http.get(`/api/v1/erasures/${id}`).set(warehouse.auth);
    expect(res.status).toBe(200);
    return res.body as ErasureBody;
  };

  /** An item in the warehouse with one registered drive, its wipe queued on the station. */
  const queuedOnStation = async (serial: string, device: string) => {
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        ownerId: null,
        custodian: { kind: 'warehouse', id: warehouse.organisationId },
        erasureStatus: 'pending',
        state: 'RECEIVED',
      }),
    );
    const medium = await t.http
      .post(`/api/v1/items/${item.id}/storage-media`)
      .set(warehouse.auth)
      .send({ mediaType: 'hdd', serial, capacityBytes: IMAGE_BYTES });
    expect(medium.status).toBe(201);
    const started = await t.http.post(`/api/v1/items/${item.id}/start-erasure`).set(warehouse.auth);
    const [queued] = started.body.items as ErasureBody[];
    expect(queued.state).toBe('QUEUED');
    const assigned = await t.http
      .post(`/api/v1/erasures/${queued.id}/assign-station`)
      .set(warehouse.auth)
      .send({ stationId: station.id, device, version: queued.version });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ state: 'QUEUED', stationId: station.id, device });
    return { itemId: item.id, erasureId: queued.id };
  };

  beforeAll(async () => {
    t = await createTestApp({
      ERASURE_STATION: 'external',
      // One verified overwrite pass is NIST Clear on a magnetic drive; Purge needs a firmware
      // command nwipe does not send (docs/erasure.md).
      ERASURE_POLICY: 'nist-clear',
      ERASURE_RETRY_BASE_DELAY_MS: '0',
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address() as AddressInfo;
    platformUrl = `http://127.0.0.1:${address.port}`;
    warehouse = await t.user('warehouse');
    admin = await t.user('admin');
    station = await registerStation(t, admin, warehouse.organisationId!, 'bay 1');
  });
  afterAll(async () => {
    for (const device of loops) {
      try {
        execFileSync('losetup', ['-d', device]);
      } catch {
        // already detached
      }
    }
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('wipes a patterned disk with nwipe, samples it back and gets a certificate from the platform', async () => {
    const disk = patternedDevice('certified', 'LOOP-A-0001');
    const { itemId, erasureId } = await queuedOnStation('LOOP-A-0001', disk.device);
    const seen: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const e = await erasure(erasureId);
        if (e.progress) seen.push(`${e.state}:${e.progress.phase}`);
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const outcome = await agent().runOnce();
    watching = false;
    await watcher;
    expect(outcome).toMatchObject({ kind: 'reported', status: 'succeeded', state: 'SUCCEEDED' });
    expect(seen).toContain('RUNNING:starting'); // the console sees the run while it happens

    const done = await erasure(erasureId);
    expect(done).toMatchObject({ state: 'SUCCEEDED', attempt: 1, progress: null });
    const cert = await t.http
      .get(`/api/v1/certificates/${done.certificate!.id}`)
      .set(warehouse.auth);
    const version = /nwipe version (\S+)/.exec(
      execFileSync('nwipe', ['--version'], { encoding: 'utf8' }),
    )![1];
    const sanitization = cert.body.document.sanitization;
    expect(cert.body.document.simulated).toBeUndefined();
    expect(cert.body.document.media).toMatchObject({ serial: 'LOOP-A-0001', mediaType: 'hdd' });
    expect(sanitization).toMatchObject({
      level: 'Clear',
      technique: 'overwrite',
      passes: 1,
      tool: { name: 'nwipe', version },
      verification: { method: 'full', outcome: 'passed' },
    });
    const sample = sanitization.verification.sample;
    const blocks = IMAGE_BYTES / sample.blockBytes;
    expect(sample).toMatchObject({
      algorithm: 'sfc32-sha256',
      deviceBlocks: blocks,
      expectedByte: '00',
      mismatchedBlocks: 0,
      outcome: 'passed',
    });
    expect(sample.sampledBlocks).toBeGreaterThanOrEqual(Math.ceil(blocks / 100) + 2);
    // The seed reproduces the offsets the station read.
    const offsets = sampleOffsets(IMAGE_BYTES, 1, sample.seed, sample.blockBytes);
    expect(offsets).toHaveLength(sample.sampledBlocks);
    expect(offsets[0]).toBe(0);
    expect(offsets.at(-1)).toBe(IMAGE_BYTES - sample.blockBytes);
    expect(createHash('sha256').update(offsets.join('\n')).digest('hex')).toBe(
      sample.offsetsSha256,
    );
    const verify = await t.http.post('/api/v1/certificates/verify').send(cert.body);
    expect(verify.body).toMatchObject({ valid: true });
    expect((await itemOf(t, itemId)).erasureStatus).toBe('certified');

    // The image really holds no byte of the old pattern.
    expect(patternBytesIn(disk.file)).toBe(0);
  }, 120_000);

  it('refuses a drive whose serial is not the medium’s, and writes nothing to it', async () => {
    const disk = patternedDevice('wrong-drive', 'LOOP-B-OTHER');
    const before = digest(disk.file);
    const { erasureId } = await queuedOnStation('LOOP-B-0002', disk.device);
    const outcome = await agent().runOnce();
    expect(outcome).toMatchObject({ kind: 'refused', code: 'SERIAL_MISMATCH' });
    const e = await erasure(erasureId);
    expect(e).toMatchObject({
      state: 'QUEUED',
      attempt: 1,
      stationId: null,
      device: null,
      runs: [],
    });
    expect(e.failureReason).toContain('LOOP-B-OTHER');
    expect(e.certificate).toBeNull();
    expect(digest(disk.file)).toBe(before);
    expect(await agent().runOnce()).toEqual({ kind: 'idle' }); // unassigned: nothing to take
  }, 60_000);

  it('accepts station requests only when signed by the registered, non-revoked key', async () => {
    const disk = patternedDevice('signatures', 'LOOP-C-0003');
    const before = digest(disk.file);
    const { erasureId } = await queuedOnStation('LOOP-C-0003', disk.device);
    const snapshot = await erasure(erasureId);

    // A stranger's key under the station's id, no signature, a tampered body: 401.
    const stranger = await agent({}, stationKeyPair().privateKeyPem)
      .runOnce()
      .catch((e: unknown) => e);
    expect(stranger).toMatchObject({ status: 401, body: { code: 'station_signature_invalid' } });
    const unsigned = await t.http.post('/api/v1/station/claim').send({});
    expect(unsigned.status).toBe(401);
    const path = `/api/v1/station/erasures/${erasureId}/report`;
    const forged = JSON.stringify({ attempt: 1, run: { status: 'succeeded' } });
    const tampered = await t.http
      .post(path)
      .set({ ...station.headers('POST', path, '{}'), 'content-type': 'application/json' })
      .send(forged);
    expect(tampered.status).toBe(401);
    // Signed, but the run is not the station's (it never claimed it): 409, nothing recorded.
    const notClaimed = await station.post(path, {
      attempt: 1,
      run: {
        tool: { name: 'nwipe', version: '0.33' },
        methodName: 'Fill With Zeros',
        technique: 'overwrite',
        passesRequested: 1,
        passesCompleted: 1,
        bytesWritten: IMAGE_BYTES,
        bytesErased: IMAGE_BYTES,
        status: 'succeeded',
        verification: { method: 'full', outcome: 'passed' },
        device: { path: disk.device, serial: 'LOOP-C-0003', sizeBytes: IMAGE_BYTES },
        startedAt: new Date().toISOString(),
        finishedAt: new Date().toISOString(),
        logs: [],
      },
    });
    expect(notClaimed.status).toBe(409);
    const invalid = await station.post(path, { attempt: 1, run: { status: 'done' } });
    expect(invalid.status).toBe(400);
    expect(await erasure(erasureId)).toMatchObject({
      state: 'QUEUED',
      version: snapshot.version,
      runs: [],
    });

    // Revoked: 403 for its requests, its wipes unassigned, the drive untouched.
    const revoked = await t.http
      .post(`/api/v1/stations/${station.id}/revoke`)
      .set(admin.auth)
      .send({ reason: 'decommissioned' });
    expect(revoked.status).toBe(200);
    const refused = await agent()
      .runOnce()
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 403, body: { code: 'station_revoked' } });
    expect(await erasure(erasureId)).toMatchObject({ state: 'QUEUED', stationId: null });
    expect(digest(disk.file)).toBe(before);
    const reassign = await t.http
      .post(`/api/v1/erasures/${erasureId}/assign-station`)
      .set(warehouse.auth)
      .send({ stationId: station.id, device: disk.device });
    expect(reassign.status).toBe(409);

    // The next tests use a fresh station of the warehouse.
    station = await registerStation(t, admin, warehouse.organisationId!, 'bay 2');
  }, 60_000);

  it('leaves no certificate when nwipe is killed half way, and the retry wipes the drive', async () => {
    const disk = patternedDevice('killed', 'LOOP-D-0004');
    const { erasureId } = await queuedOnStation('LOOP-D-0004', disk.device);
    // fdatasync every 50 writes: slow enough to kill nwipe in the middle of its pass.
    const slow = agent({ STATION_NWIPE_SYNC: '50' });
    const running = slow.runOnce();
    await eventually(async () => (await erasure(erasureId)).progress?.phase === 'erasing', 30_000);
    await new Promise((r) => setTimeout(r, 500));
    process.kill(slow.nwipePid!, 'SIGKILL');
    expect(await running).toMatchObject({ kind: 'reported', status: 'failed', state: 'QUEUED' });

    const failed = await erasure(erasureId);
    expect(failed).toMatchObject({ state: 'QUEUED', attempt: 2, certificate: null });
    expect(failed.runs[0]).toMatchObject({ status: 'failed', tool: { name: 'nwipe' } });
    expect(failed.runs[0].failureReason).toContain('SIGKILL');
    const left = patternBytesIn(disk.file);
    expect(left).toBeGreaterThan(0); // really half way
    expect(left).toBeLessThan(IMAGE_BYTES);

    expect(await agent().runOnce()).toMatchObject({ kind: 'reported', status: 'succeeded' });
    const retried = await erasure(erasureId);
    expect(retried).toMatchObject({ state: 'SUCCEEDED', attempt: 2 });
    expect(retried.certificate).not.toBeNull();
    expect(patternBytesIn(disk.file)).toBe(0);
  }, 180_000);

  it('runs a wipe again when the station died half way and its lease ran out', async () => {
    const disk = patternedDevice('crashed', 'LOOP-E-0005');
    const { erasureId } = await queuedOnStation('LOOP-E-0005', disk.device);
    const doomed = agent({ STATION_NWIPE_SYNC: '50' });
    const running = doomed.runOnce();
    await eventually(async () => (await erasure(erasureId)).progress?.phase === 'erasing', 30_000);
    doomed.crash(); // power loss: nwipe dies, nothing is reported
    expect(await running).toEqual({ kind: 'abandoned' });
    expect(await erasure(erasureId)).toMatchObject({ state: 'RUNNING', certificate: null });
    // While the lease lasts nobody takes the run over.
    expect(await agent().runOnce()).toEqual({ kind: 'idle' });
    // The station stays silent past its lease (60 s): fast-forward the clock on the lease.
    await t.dataSource.query(
      `UPDATE erasures SET lease_until = now() - interval '1 second' WHERE id = $1`,
      [erasureId],
    );
    expect(await agent().runOnce()).toMatchObject({ kind: 'reported', status: 'succeeded' });
    const done = await erasure(erasureId);
    expect(done).toMatchObject({ state: 'SUCCEEDED', attempt: 1 });
    expect(patternBytesIn(disk.file)).toBe(0);
  }, 180_000);
});
