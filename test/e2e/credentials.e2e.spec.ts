import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createHttpApp } from '../../src/bootstrap.js';
import { SYSTEM_ACTOR } from '../../src/core/actor.js';
import { ItemsService } from '../../src/core/items/items.service.js';
import { ErasureStations } from '../../src/erasure/stations.js';
import {
  certificatesOf as listCertificates,
  certifiedPhone,
  independentVerify,
  pem,
  reloopVerify,
  run,
} from '../support/credentials.js';
import type { HttpUser } from '../support/http-journey.js';
import { pdfText } from '../support/pdf-text.js';
import { createTestApp, eventually, type TestApp } from '../support/test-app.js';

/**
 * Issue 24: certificates, passports and history anyone can verify offline, with standard tools.
 * A phone goes through a real trade-in journey (wiped by the simulated station); its
 * certificate is checked by `reloop-verify` with no network and by Digital Bazaar's libraries
 * with only the context the platform serves; revocation flips its status bit; a key rotation
 * leaves old credentials verifiable. The signed checkpoints (which drive the Checkpoints service)
 * and a rewrite of the history by a database superuser are in test/integration/credentials.spec.ts.
 */

describe('verifiable credentials (issue 24)', () => {
  let t: TestApp;
  let dir: string;
  let admin: HttpUser;
  let grader: HttpUser;
  let colleague: HttpUser;
  let traceCode: string;
  let itemId: string;
  let certificateId: string;
  let credential: Record<string, unknown>;
  let context: { url: string; document: unknown };
  const keyA = pem();

  const save = (name: string, body: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(body, null, 2));
    return file;
  };
  const certificatesOf = (id: string) => listCertificates(t, admin, id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reloop-credentials-'));
    t = await createTestApp({
      ERASURE_SIGNING_KEY: keyA,
      ERASURE_SIM_FAILURE_RATE: '0',
      ERASURE_SIM_VERIFICATION_FAILURE_RATE: '0',
    });
    ({ admin, grader, colleague, traceCode, itemId, certificateId, credential, context } =
      await certifiedPhone(t));
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('issues the certificate of a real journey as a VC 2.0 with a did:key issuer and a status entry', async () => {
    expect(credential['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      `${t.config.publicBaseUrl}/contexts/reloop/v1`,
    ]);
    expect(credential.type).toEqual(['VerifiableCredential', 'ErasureCertificate']);
    const issuer = credential.issuer as { id: string; name: string };
    expect(issuer.id).toMatch(/^did:key:z6Mk/);
    expect(credential.proof).toMatchObject({
      type: 'DataIntegrityProof',
      cryptosuite: 'eddsa-rdfc-2022',
      proofPurpose: 'assertionMethod',
    });
    expect(credential.credentialStatus).toMatchObject({
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
    });
    const subject = credential.credentialSubject as Record<string, Record<string, unknown>>;
    expect(subject.sourceItem.traceCode).toBe(traceCode);
    // People by name only: no platform user id anywhere in the credential.
    expect(JSON.stringify(credential)).not.toContain(grader.id);
    // The served context is the one shipped in the repository, every term defined.
    expect(context.document).toHaveProperty(['@context', 'serialNumber']);
    // The issuer is a published key.
    const keys = await t.http.get('/api/v1/signing-keys').expect(200);
    expect(keys.body.items).toEqual([
      expect.objectContaining({ did: issuer.id, current: true, validUntil: null }),
    ]);
    // The PDF prints the credential (its QR code opens it).
    const pdf = await t.http
      .get(`/api/v1/certificates/${certificateId}/pdf`)
      .set(admin.auth)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const printed = (await pdfText(pdf.body as Buffer)).replace(/\s+/g, '');
    expect(printed).toContain('VerifiableCredential(W3CVC2.0)');
    expect(printed).toContain('eddsa-rdfc-2022');
    expect(printed).toContain(issuer.id);
  });

  it('verifies offline with reloop-verify and with Digital Bazaar alone; one changed field fails both', async () => {
    const file = save('certificate.json', credential);
    const ok = await reloopVerify([file]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain((credential.issuer as { id: string }).id);
    expect(ok.stdout).toMatch(/erasure certificate/);
    expect(ok.stdout).toMatch(/Proof:\s+valid/);
    expect(ok.stdout).toMatch(/VALID$/m);
    // The npm script runs the same verifier.
    const viaNpm = await run('npm', ['run', '--silent', 'verify', '--', file], { timeout: 60_000 });
    expect(viaNpm.stdout).toMatch(/VALID$/m);

    expect((await independentVerify(credential, context)).verified).toBe(true);

    const changed = structuredClone(credential) as Record<string, Record<string, unknown>>;
    changed.credentialSubject.serialNumber = `${String(changed.credentialSubject.serialNumber)}X`;
    const bad = await reloopVerify([save('changed.json', changed)]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/NOT VALID/);
    expect((await independentVerify(changed, context)).verified).toBe(false);
  });

  it('reports a revoked certificate as revoked: re-verification failed, its bit flipped', async () => {
    const statusUrl = (credential.credentialStatus as { statusListCredential: string })
      .statusListCredential;
    const listPath = new URL(statusUrl).pathname;
    const before = (await t.http.get(listPath).expect(200)).body;
    const file = save('certificate.json', credential);
    const fresh = await reloopVerify([file, '--status', save('status-before.json', before)]);
    expect(fresh.stdout).toMatch(/Revocation:\s+not revoked/);
    expect(fresh.code).toBe(0);
    expect((await independentVerify(credential, context, before)).verified).toBe(true);

    const [certificate] = await certificatesOf(itemId);
    await t.http
      .post(`/api/v1/erasures/${certificate.erasureId}/reverify`)
      .set(colleague.auth)
      .send({ outcome: 'failed', notes: 'residual data in a sample' })
      .expect(200);

    const after = (await t.http.get(listPath).expect(200)).body;
    expect(after.credentialSubject.encodedList).not.toBe(before.credentialSubject.encodedList);
    const revoked = await reloopVerify([file, '--status', save('status-after.json', after)]);
    expect(revoked.code).toBe(2);
    expect(revoked.stdout).toMatch(/Revocation:\s+REVOKED/);
    expect((await independentVerify(credential, context, after)).verified).toBe(false);

    // The same over HTTP: --status with the list's URL (the platform listening on a port).
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    const viaUrl = await reloopVerify([
      file,
      '--status',
      `http://127.0.0.1:${address.port}${listPath}`,
    ]);
    expect(viaUrl.code).toBe(2);
    // And the platform's own check says so.
    const stored = await t.http.get(`/api/v1/certificates/${certificateId}/verify`).expect(200);
    expect(stored.body).toMatchObject({ valid: false, revoked: true, credentialProof: 'ok' });
    // The wipe reopened: the medium is wiped again and certified anew, in another slot.
    const again = await eventually(async () => {
      const list = await certificatesOf(itemId);
      return list.find((c) => c.id !== certificateId && c.revokedAt === null);
    }, 40_000);
    const second = (await t.http.get(`/api/v1/certificates/${again.id}/credential`).expect(200))
      .body;
    expect(second.credentialStatus.statusListIndex).not.toBe(
      (credential.credentialStatus as { statusListIndex: string }).statusListIndex,
    );
  });

  it('issues a destruction certificate as a credential too, verified offline', async () => {
    // No automatic wipe: the medium is dead and goes to the shredder.
    t.app.get(ErasureStations).use(null);
    const [{ category_id: categoryId }] = await t.dataSource.query<Array<{ category_id: string }>>(
      'SELECT category_id FROM items WHERE id = $1',
      [itemId],
    );
    const item = await t.dataSource.transaction((m) =>
      t.app.get(ItemsService).register(m, SYSTEM_ACTOR, {
        categoryId,
        ownerId: null,
        custodian: { kind: 'warehouse', id: grader.organisationId! },
        erasureStatus: 'pending',
        state: 'RECEIVED',
      }),
    );
    await t.http
      .post(`/api/v1/items/${item.id}/storage-media`)
      .set(grader.auth)
      .send({ mediaType: 'ssd', serial: 'DEAD-SSD-1', capacityBytes: 256e9 })
      .expect(201);
    await t.http
      .post(`/api/v1/items/${item.id}/start-erasure`)
      .set(grader.auth)
      .send({})
      .expect(200);
    const [erasure] = (
      await t.http.get(`/api/v1/erasures?itemId=${item.id}`).set(grader.auth).expect(200)
    ).body.items as Array<{ id: string }>;
    await t.http
      .post(`/api/v1/erasures/${erasure.id}/route-to-destruction`)
      .set(grader.auth)
      .send({ reason: 'the drive does not power on' })
      .expect(200);
    await t.http
      .post(`/api/v1/erasures/${erasure.id}/record-destruction`)
      .set(grader.auth)
      .send({
        equipmentName: 'SSD disintegrator DS-2',
        equipmentVersion: '2026.1',
        particleSizeMm: 2,
        witnessId: colleague.id,
      })
      .expect(200);
    const [certificate] = await certificatesOf(item.id);
    const destruction = (
      await t.http.get(`/api/v1/certificates/${certificate.id}/credential`).expect(200)
    ).body;
    expect(destruction.type).toEqual(['VerifiableCredential', 'DestructionCertificate']);
    expect(destruction.credentialSubject.sanitization.level).toBe('Destroy');
    const res = await reloopVerify([save('destruction.json', destruction)]);
    expect(res.stdout).toMatch(/destruction certificate/);
    expect(res.code).toBe(0);
    expect((await independentVerify(destruction, context)).verified).toBe(true);
  });

  it('lists every key after a rotation; old credentials still verify', async () => {
    // A second process starts with the next key (a rotation), on the same database.
    const keyB = pem();
    let app2: NestFastifyApplication | undefined;
    try {
      app2 = await createHttpApp({
        ...t.config,
        mode: 'api',
        erasure: { ...t.config.erasure, signingKeyPem: keyB },
      });
      await app2.init();
      await app2.getHttpAdapter().getInstance().ready();
      const http = request(app2.getHttpServer());
      const keys = (await http.get('/api/v1/signing-keys').expect(200)).body.items as Array<{
        did: string;
        current: boolean;
        validFrom: string;
        validUntil: string | null;
        publicKeyMultibase: string;
      }>;
      const issuerA = (credential.issuer as { id: string }).id;
      expect(keys).toHaveLength(2);
      expect(keys[0]).toMatchObject({ current: true, validUntil: null });
      expect(keys[1]).toMatchObject({
        did: issuerA,
        current: false,
        validUntil: keys[0].validFrom,
      });
      expect(keys[1].did).toBe(`did:key:${keys[1].publicKeyMultibase}`);
      // The old certificate (signed with key A) still verifies, and its key is published.
      const res = await reloopVerify([
        save('old.json', credential),
        '--keys',
        save('keys.json', { items: keys }),
      ]);
      expect(res.stdout).toMatch(/Published key: yes/);
      expect(res.code).toBe(0);
      // New credentials come from key B.
      const list = (await http.get('/api/v1/credentials/status/revocation-1').expect(200)).body;
      expect(list.issuer.id).toBe(keys[0].did);
      expect((await independentVerify(list, context)).verified).toBe(true);
    } finally {
      await app2?.close();
    }
  });
});
