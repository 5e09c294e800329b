// Offline verification of Reloop's credentials, shared by the e2e and integration credential tests
// (issue 24): the repository's `reloop-verify` script and Digital Bazaar's libraries given only
// the context the platform serves.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { securityLoader } from '@digitalbazaar/security-document-loader';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { PHONE_STANDARD } from '../../src/catalog/standards/demo-standards.js';
import { idealAnswers } from '../../src/catalog/standards/grade-engine.js';
import { accounts, type HttpUser, loadReferenceData, tradeInPhone } from './http-journey.js';
import { eventually, type TestApp } from './test-app.js';

/** execFile, promised (the e2e test also runs the npm script with it). */
export const run = promisify(execFile);
/** A fresh Ed25519 signing key, PKCS#8 PEM. */
export const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Runs the offline verifier; resolves with its exit code and output (never rejects). */
export async function reloopVerify(args: string[]) {
  try {
    const { stdout } = await run(process.execPath, ['scripts/reloop-verify.mjs', ...args], {
      timeout: 60_000,
    });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** Digital Bazaar's verifier, given the served Reloop context and (optionally) a status list. */
function independentLoader(context: { url: string; document: unknown }, statusList?: unknown) {
  const loader = securityLoader();
  loader.addStatic(context.url, context.document);
  if (statusList) loader.addStatic((statusList as { id: string }).id, statusList);
  const dids = didKeyDriver();
  dids.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
  loader.setProtocolHandler({
    protocol: 'did',
    handler: { get: ({ url }: { url: string }) => dids.get({ url }) },
  });
  return loader.build();
}

export async function independentVerify(
  credential: unknown,
  context: { url: string; document: unknown },
  statusList?: unknown,
) {
  const documentLoader = independentLoader(context, statusList);
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  return vc.verifyCredential({
    credential,
    suite,
    documentLoader,
    checkStatus: statusList
      ? async ({ credential: c }) => {
          const r = await checkStatus({ credential: c, documentLoader, suite });
          // The list checked out; a set bit (status true) means revoked.
          const revoked = r.results?.some((x) => x.status === true);
          return { verified: r.verified && !revoked };
        }
      : () => Promise.resolve({ verified: true }),
  });
}

/** The certificates of an item, as the admin lists them. */
export async function certificatesOf(t: TestApp, admin: HttpUser, itemId: string) {
  const res = await t.http.get(`/api/v1/certificates?itemId=${itemId}`).set(admin.auth).expect(200);
  return res.body.items as Array<{ id: string; revokedAt: string | null; erasureId: string }>;
}

/**
 * The credential tests' journey: reference data, a Shanghai warehouse with two graders, and a
 * phone traded in over HTTP until its erasure certificate is issued; returns the people, the
 * item, its certificate's credential and the context the platform serves for it.
 */
export async function certifiedPhone(t: TestApp) {
  await loadReferenceData(t);
  const admin: HttpUser = { ...(await t.user('admin')), role: 'admin' };
  const a = accounts(t, admin);
  const warehouseId = await a.organisation('warehouse', { cityCode: '310100' });
  const [seller, courier] = await Promise.all([a.user('customer'), a.user('courier')]);
  const [grader, colleague] = await Promise.all([
    a.user('warehouse', { organisationId: warehouseId }),
    a.user('warehouse', { organisationId: warehouseId }),
  ]);
  await t.http
    .put(`/api/v1/couriers/${courier.id}`)
    .set(admin.auth)
    .send({ capacityPerWindow: 20, areaCodes: ['310100'] })
    .expect(200);
  const phone = await tradeInPhone(
    t,
    { admin, seller, courier, grader },
    idealAnswers(PHONE_STANDARD),
  );
  const [certificate] = await eventually(async () => {
    const list = await certificatesOf(t, admin, phone.itemId);
    return list.length > 0 ? list : null;
  }, 40_000);
  const credential = (
    await t.http.get(`/api/v1/certificates/${certificate.id}/credential`).expect(200)
  ).body as Record<string, unknown>;
  const served = await t.http.get('/contexts/reloop/v1').expect(200);
  const context: { url: string; document: unknown } = {
    url: (credential['@context'] as string[])[1],
    document: served.body,
  };
  return {
    admin,
    grader,
    colleague,
    traceCode: phone.traceCode,
    itemId: phone.itemId,
    certificateId: certificate.id,
    credential,
    context,
  };
}
