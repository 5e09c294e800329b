#!/usr/bin/env node
// reloop-verify: checks a Reloop certificate, passport or checkpoint (a W3C Verifiable
// Credential secured with Data Integrity eddsa-rdfc-2022) with no network at all: the JSON-LD
// contexts are bundled (Reloop's from config/contexts/reloop-v1.jsonld, the W3C ones with the
// libraries) and the issuer's did:key is resolved from the key itself.
//
//   reloop-verify <credential.json> [--status <url|file>] [--keys <url|file>] [--checkpoint <url|file>] [--json]
//
// --status      also checks revocation against the Bitstring Status List credential (fetched
//               from the URL, or read from a file); the list's own proof is checked too.
// --keys        also checks that the issuer is one of the keys the platform published
//               (GET /api/v1/signing-keys, saved or fetched).
// --checkpoint  for a passport: checks its history inclusion proof against this signed
//               checkpoint credential.
// Exit status: 0 valid, 1 invalid proof or input, 2 revoked, 3 issuer not a published key or
// inclusion proof failing, 64 usage.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { securityLoader } from '@digitalbazaar/security-document-loader';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';

const RELOOP_CONTEXT_PATH = '/contexts/reloop/v1';
const RELOOP_CONTEXT = JSON.parse(
  readFileSync(new URL('../config/contexts/reloop-v1.jsonld', import.meta.url), 'utf8'),
);

function usage(message) {
  if (message) process.stderr.write(`reloop-verify: ${message}\n`);
  process.stderr.write(
    'usage: reloop-verify <credential.json> [--status <url|file>] [--keys <url|file>] [--checkpoint <url|file>] [--json]\n',
  );
  process.exit(64);
}

function parseArgs(argv) {
  const out = { file: null, status: null, keys: null, checkpoint: null, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') out.json = true;
    else if (a === '--status' || a === '--keys' || a === '--checkpoint') {
      const v = argv[++i];
      if (!v) usage(`${a} needs a URL or a file`);
      out[a.slice(2)] = v;
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else if (out.file) usage('one credential file at a time');
    else out.file = a;
  }
  if (!out.file) usage('no credential file given');
  return out;
}

/** A URL is fetched (only when the user asked for it); anything else is a file. */
async function load(source) {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source, { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${source} answered ${res.status}`);
    return res.json();
  }
  return JSON.parse(readFileSync(source, 'utf8'));
}

function offlineLoader(extra = {}) {
  const loader = securityLoader();
  const dids = didKeyDriver();
  dids.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
  const base = loader.build();
  return async (url) => {
    if (Object.prototype.hasOwnProperty.call(extra, url)) {
      return { contextUrl: null, documentUrl: url, document: extra[url] };
    }
    let path = null;
    try {
      path = new URL(url).pathname;
    } catch {
      /* not a URL */
    }
    if (path === RELOOP_CONTEXT_PATH) {
      return { contextUrl: null, documentUrl: url, document: RELOOP_CONTEXT };
    }
    if (url.startsWith('did:key:')) {
      return { contextUrl: null, documentUrl: url, document: await dids.get({ url }) };
    }
    // Bundled contexts only: anything else is refused, never fetched.
    return base(url);
  };
}

const suite = () => new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
const issuerOf = (c) => (typeof c?.issuer === 'string' ? c.issuer : (c?.issuer?.id ?? null));
const types = (c) => (Array.isArray(c?.type) ? c.type : [c?.type]).filter(Boolean);

function messages(result) {
  const out = [];
  const walk = (e) => {
    if (!e) return;
    if (Array.isArray(e.errors) && e.errors.length) e.errors.forEach(walk);
    else out.push(e.message ?? String(e));
  };
  walk(result.error);
  for (const r of result.results ?? []) walk(r.error);
  return [...new Set(out)];
}

/** What the credential certifies, in a few words. */
function describe(c) {
  const t = types(c);
  const s = c.credentialSubject ?? {};
  if (t.includes('ErasureCertificate') || t.includes('DestructionCertificate')) {
    const z = s.sanitization ?? {};
    return {
      kind: t.includes('ErasureCertificate') ? 'erasure certificate' : 'destruction certificate',
      subject:
        `${s.storageType ?? 'medium'} ${s.manufacturer ?? ''} ${s.model ?? ''} serial ${s.serialNumber ?? '?'} (item ${s.sourceItem?.traceCode ?? '?'})`.replace(
          /\s+/g,
          ' ',
        ),
      certifies: `${z.level ?? '?'} by ${z.technique ?? '?'} (${z.methodDescription ?? ''}), verification ${z.verificationOutcome ?? '?'}, completed ${z.completedAt ?? '?'}, certificate ${z.certificateNumber ?? '?'}${z.simulated ? ' — SIMULATED, no data was erased' : ''}`,
    };
  }
  if (t.includes('ItemPassport')) {
    const h = s.history ?? {};
    return {
      kind: 'item passport',
      subject: `item ${s.traceCode ?? '?'}${s.productModel?.name ? ` (${s.productModel.name})` : ''}`,
      certifies: `state ${s.state ?? '?'}, grade ${s.grade ?? 'none'}, erasure ${s.erasureStatus ?? '?'}, ${(s.certificate ?? []).length ?? 0} certificate(s), history of ${h.events ?? '?'} entries with head ${h.headHash ?? '?'}${h.checkpointNumber ? `, included in checkpoint #${h.checkpointNumber}` : ''}, as of ${s.snapshotAt ?? c.validFrom ?? '?'}`,
    };
  }
  if (t.includes('HistoryCheckpoint')) {
    return {
      kind: 'history checkpoint',
      subject: `checkpoint #${s.checkpointNumber ?? '?'}`,
      certifies: `Merkle root ${s.merkleRoot ?? '?'} over the history heads of ${s.itemCount ?? '?'} items at ${s.checkpointAt ?? '?'}`,
    };
  }
  if (t.includes('BitstringStatusListCredential')) {
    return {
      kind: 'status list',
      subject: s.id ?? '?',
      certifies: `${s.statusPurpose} status list`,
    };
  }
  return { kind: t.join(', ') || 'credential', subject: s.id ?? '?', certifies: '?' };
}

// The same tree as the platform's (src/credentials/merkle.ts): 0x00 leaf, 0x01 node prefixes.
function verifyInclusion(proof, root) {
  if (!proof || proof.treeAlgorithm !== 'reloop-merkle-sha256-v1' || !Array.isArray(proof.path)) {
    return false;
  }
  const { itemId, seq, hash } = proof.leaf ?? {};
  let h = createHash('sha256')
    .update(Buffer.from([0]))
    .update(`${itemId}:${seq}:${hash}`)
    .digest();
  for (const step of proof.path) {
    const sibling = Buffer.from(String(step.hash), 'hex');
    const [l, r] = step.side === 'left' ? [sibling, h] : [h, sibling];
    h = createHash('sha256')
      .update(Buffer.from([1]))
      .update(l)
      .update(r)
      .digest();
  }
  return h.toString('hex') === root;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let credential;
  try {
    credential = JSON.parse(readFileSync(args.file, 'utf8'));
  } catch (err) {
    process.stderr.write(`reloop-verify: cannot read ${args.file}: ${err.message}\n`);
    process.exit(1);
  }
  const report = {
    file: args.file,
    issuer: issuerOf(credential),
    issuerName: typeof credential?.issuer === 'object' ? (credential.issuer.name ?? null) : null,
    validFrom: credential?.validFrom ?? null,
    ...describe(credential ?? {}),
    proof: 'invalid',
    errors: [],
    status: 'not checked',
    issuerPublished: 'not checked',
    inclusion: 'not checked',
  };
  let exit = 0;

  const extra = {};
  let statusList = null;
  if (args.status) {
    try {
      statusList = await load(args.status);
      extra[statusList.id] = statusList;
    } catch (err) {
      report.errors.push(`status list: ${err.message}`);
    }
  }
  const documentLoader = offlineLoader(extra);
  const result = await vc
    .verifyCredential({
      credential,
      suite: suite(),
      documentLoader,
      checkStatus: async () => ({ verified: true }),
    })
    .catch((err) => ({ verified: false, error: err }));
  report.proof = result.verified ? 'valid' : 'invalid';
  report.errors.push(...messages(result));
  if (!result.verified) exit = 1;

  if (args.status && exit === 0) {
    const entry = credential.credentialStatus;
    if (!entry) {
      report.status = 'no credentialStatus';
    } else if (!statusList || statusList.id !== entry.statusListCredential) {
      report.status = 'unknown';
      report.errors.push(
        `the status list given is not ${entry.statusListCredential} (the one this credential names)`,
      );
      exit = 1;
    } else {
      const checked = await checkStatus({
        credential,
        documentLoader,
        suite: suite(),
        verifyBitstringStatusListCredential: true,
        verifyMatchingIssuers: true,
      });
      // `verified` says the list was checked; each result's `status` is the bit (true = revoked).
      if (!checked.verified) {
        report.status = 'unknown';
        report.errors.push(`status: ${checked.error?.message ?? 'the status list did not verify'}`);
        exit = 1;
      } else if ((checked.results ?? []).some((r) => r.status === true)) {
        report.status = 'REVOKED';
        exit = 2;
      } else {
        report.status = 'not revoked';
      }
    }
  }

  if (args.keys && exit === 0) {
    try {
      const keys = await load(args.keys);
      const list = Array.isArray(keys) ? keys : (keys.items ?? []);
      const key = list.find((k) => k.did === report.issuer);
      report.issuerPublished = key
        ? `yes (${key.keyId}, from ${key.validFrom}${key.validUntil ? ` until ${key.validUntil}` : ''})`
        : 'NO';
      if (!key) exit = 3;
    } catch (err) {
      report.issuerPublished = 'unknown';
      report.errors.push(`keys: ${err.message}`);
      exit = 3;
    }
  }

  if (args.checkpoint && exit === 0) {
    try {
      const checkpoint = await load(args.checkpoint);
      const cp = checkpoint.credential ?? checkpoint;
      const cpResult = await vc.verifyCredential({
        credential: cp,
        suite: suite(),
        documentLoader,
      });
      const history = credential.credentialSubject?.history ?? {};
      const ok =
        cpResult.verified &&
        issuerOf(cp) === report.issuer &&
        verifyInclusion(history.inclusionProof, cp.credentialSubject?.merkleRoot);
      report.inclusion = ok
        ? `included in checkpoint #${cp.credentialSubject?.checkpointNumber}`
        : 'FAILED';
      if (!ok) exit = 3;
    } catch (err) {
      report.inclusion = 'FAILED';
      report.errors.push(`checkpoint: ${err.message}`);
      exit = 3;
    }
  }

  report.valid = exit === 0;
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const lines = [
      `Credential:  ${report.kind}`,
      `Issuer:      ${report.issuerName ? `${report.issuerName}, ` : ''}${report.issuer ?? '?'}`,
      `Issued:      ${report.validFrom ?? '?'}`,
      `Subject:     ${report.subject}`,
      `Certifies:   ${report.certifies}`,
      `Proof:       ${report.proof} (Data Integrity, eddsa-rdfc-2022, checked offline)`,
      `Revocation:  ${report.status}`,
      ...(args.keys ? [`Published key: ${report.issuerPublished}`] : []),
      ...(args.checkpoint ? [`History:     ${report.inclusion}`] : []),
      ...report.errors.map((e) => `  - ${e}`),
      report.valid ? 'VALID' : report.status === 'REVOKED' ? 'REVOKED' : 'NOT VALID',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exit(exit);
}

main().catch((err) => {
  process.stderr.write(`reloop-verify: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
