/**
 * W3C Verifiable Credentials (VC Data Model 2.0) secured with a Data Integrity proof, cryptosuite
 * eddsa-rdfc-2022, issued by the did:key of the platform's Ed25519 signing key. Everything here
 * works offline: the JSON-LD contexts are bundled and did:key resolves from the key itself.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { driver as didKeyDriver } from '@digitalbazaar/did-method-key';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { securityLoader } from '@digitalbazaar/security-document-loader';
import * as vc from '@digitalbazaar/vc';
import { LRUCache } from 'lru-cache';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
/** Where every deployment serves Reloop's context (below its PUBLIC_BASE_URL). */
export const RELOOP_CONTEXT_PATH = '/contexts/reloop/v1';

export type Credential = Record<string, unknown>;
export type DocumentLoader = (
  url: string,
) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;

/** config/contexts/reloop-v1.jsonld under the package root, from src/ (tests) or dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

let bundledContext: Record<string, unknown> | undefined;

/** Reloop's JSON-LD context as shipped in the repository (the same bytes the API serves). */
export function reloopContext(): Record<string, unknown> {
  bundledContext ??= JSON.parse(
    readFileSync(join(packageRoot(), 'config', 'contexts', 'reloop-v1.jsonld'), 'utf8'),
  ) as Record<string, unknown>;
  return bundledContext;
}

export function reloopContextUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl}${RELOOP_CONTEXT_PATH}`;
}

/** True for Reloop's context at any deployment's address (the content is the same everywhere). */
function isReloopContext(url: string): boolean {
  try {
    return new URL(url).pathname === RELOOP_CONTEXT_PATH;
  } catch {
    return false;
  }
}

/**
 * The offline document loader: the W3C and security contexts bundled with the libraries,
 * Reloop's bundled context, did:key resolved from the key itself, plus any documents given
 * (a status list credential already fetched). Nothing is ever fetched from the network.
 */
export function offlineDocumentLoader(extra: Record<string, unknown> = {}): DocumentLoader {
  const base = bundledLoader();
  return (url: string) =>
    Object.prototype.hasOwnProperty.call(extra, url)
      ? Promise.resolve({ contextUrl: null, documentUrl: url, document: extra[url] })
      : base(url);
}

let bundled: DocumentLoader | undefined;

/** The loader of bundled documents alone, built once: building it copies every bundled context. */
function bundledLoader(): DocumentLoader {
  if (bundled) return bundled;
  const dids = didKeyDriver();
  dids.use({ multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from });
  const base = securityLoader().build();
  bundled = async (url: string) => {
    if (isReloopContext(url)) {
      return { contextUrl: null, documentUrl: url, document: reloopContext() };
    }
    if (url.startsWith('did:key:')) {
      return { contextUrl: null, documentUrl: url, document: await dids.get({ url }) };
    }
    return base(url);
  };
  return bundled;
}

/** multibase (base58btc) of an Ed25519 public key with the multicodec 0xed01 header. */
export async function publicKeyMultibase(publicKey: KeyObject): Promise<string> {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const pair = await Ed25519Multikey.fromJwk({ jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } });
  return pair.publicKeyMultibase;
}

export interface DidKeyInfo {
  did: string;
  verificationMethod: string;
  publicKeyMultibase: string;
}

const didKeys = new Map<string, Promise<DidKeyInfo>>();

/** The did:key of a public key; remembered per key (a handful per deployment, read often). */
export function didKeyFor(publicKeyPem: string): Promise<DidKeyInfo> {
  let info = didKeys.get(publicKeyPem);
  if (!info) {
    info = publicKeyMultibase(createPublicKey(publicKeyPem)).then((multibase) => {
      const did = `did:key:${multibase}`;
      return { did, verificationMethod: `${did}#${multibase}`, publicKeyMultibase: multibase };
    });
    didKeys.set(publicKeyPem, info);
    info.catch(() => didKeys.delete(publicKeyPem));
  }
  return info;
}

/** Issues credentials with one Ed25519 private key, as its did:key. */
export class CredentialIssuer {
  private constructor(
    readonly key: DidKeyInfo,
    private readonly signerKey: Ed25519Multikey.Ed25519MultikeyKeyPair,
    private readonly loader: DocumentLoader,
  ) {}

  static async fromPrivateKeyPem(privateKeyPem: string): Promise<CredentialIssuer> {
    const jwk = createPrivateKey(privateKeyPem).export({ format: 'jwk' }) as Record<
      string,
      unknown
    >;
    const pair = await Ed25519Multikey.fromJwk({
      jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d },
      secretKey: true,
    });
    const did = `did:key:${pair.publicKeyMultibase}`;
    const info: DidKeyInfo = {
      did,
      verificationMethod: `${did}#${pair.publicKeyMultibase}`,
      publicKeyMultibase: pair.publicKeyMultibase,
    };
    const signer = await Ed25519Multikey.from({
      ...(await pair.export({ publicKey: true, secretKey: true, includeContext: true })),
      id: info.verificationMethod,
      controller: did,
    });
    return new CredentialIssuer(info, signer, offlineDocumentLoader());
  }

  /** Adds the issuer and a Data Integrity proof (eddsa-rdfc-2022) to the credential. */
  async issue(credential: Credential): Promise<Credential> {
    const suite = new DataIntegrityProof({
      signer: this.signerKey.signer(),
      cryptosuite: eddsaRdfc2022,
    });
    // A plain JSON copy: no undefined members, no Date objects.
    const plain = JSON.parse(JSON.stringify(credential)) as Credential;
    return vc.issue({ credential: plain, suite, documentLoader: this.loader });
  }
}

export interface CredentialCheck {
  verified: boolean;
  errors: string[];
}

/**
 * Proof checks already made, by the credential's exact JSON: the passport checks the same signed
 * checkpoint on every read, and one check (JSON-LD expansion, canonicalisation, Ed25519) costs
 * milliseconds of CPU. Only credentials whose result cannot change with time are kept: with the
 * offline loader the result depends on the bytes alone, unless the credential expires.
 */
const checked = new LRUCache<string, CredentialCheck>({ max: 2000 });

function timeless(credential: unknown): boolean {
  if (!credential || typeof credential !== 'object') return false;
  const c = credential as Record<string, unknown>;
  const from = typeof c.validFrom === 'string' ? Date.parse(c.validFrom) : NaN;
  return (
    c.validUntil === undefined &&
    c.expirationDate === undefined &&
    (c.validFrom === undefined || from <= Date.now())
  );
}

/**
 * Checks a credential's proof offline (and nothing else: status is checked separately). With
 * the default loader, a credential already checked is answered from memory.
 */
export async function verifyCredentialProof(
  credential: unknown,
  loader?: DocumentLoader,
): Promise<CredentialCheck> {
  if (loader || !timeless(credential)) return checkProof(credential, loader ?? bundledLoader());
  const key = createHash('sha256').update(JSON.stringify(credential)).digest('base64url');
  let result = checked.get(key);
  if (!result) {
    result = await checkProof(credential, bundledLoader());
    checked.set(key, result);
  }
  // A copy: callers may change what they get, the remembered answer stays.
  return { verified: result.verified, errors: [...result.errors] };
}

async function checkProof(credential: unknown, loader: DocumentLoader): Promise<CredentialCheck> {
  try {
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader: loader,
      // Revocation is a separate question (the status list), answered by its own check.
      checkStatus: () => Promise.resolve({ verified: true }),
    });
    const errors: string[] = [];
    const collect = (e: (Error & { errors?: Error[] }) | undefined) => {
      if (!e) return;
      if (Array.isArray(e.errors) && e.errors.length > 0) e.errors.forEach((x) => collect(x));
      else errors.push(e.message);
    };
    collect(result.error);
    for (const r of result.results ?? []) collect(r.error);
    return { verified: result.verified, errors: [...new Set(errors)] };
  } catch (err) {
    return { verified: false, errors: [(err as Error).message] };
  }
}

export function issuerId(credential: Credential): string | null {
  const issuer = credential.issuer;
  if (typeof issuer === 'string') return issuer;
  if (issuer && typeof issuer === 'object' && typeof (issuer as { id?: unknown }).id === 'string')
    return (issuer as { id: string }).id;
  return null;
}
