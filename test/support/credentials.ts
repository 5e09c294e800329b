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
