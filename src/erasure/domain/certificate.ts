/**
 * Certificates of sanitization with the fields of NIST SP 800-88 Rev.1 Appendix G, signed with
 * Ed25519 over RFC 8785 canonical JSON so anyone holding the public key can check both the
 * signature and every field, independently of how the JSON was re-serialised in transit.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import canonicalize from 'canonicalize';
import { TECHNIQUE_LABELS, techniqueAchieves } from './methods.js';
import type { PolicyId } from './policies.js';
import type {
  ErasureRunRecord,
  MediaType,
  Medium,
  SanitizationLevel,
  Technique,
  VerificationOutcome,
  VerificationSample,
} from './types.js';

export const CERTIFICATE_SCHEMA = 'reloop.sanitization-certificate/v1';

/** Where the medium goes after sanitization (Appendix G "Media Destination"). */
export type PostSanitizationDestination = 'reuse' | 'recycle' | 'destroy';

export interface CertificatePerson {
  name: string;
  /** Platform user id, for audits; not printed on the PDF. */
  id?: string;
  title?: string;
  organisation?: string;
  location?: string;
}

export interface SanitizationCertificate {
  schema: typeof CERTIFICATE_SCHEMA;
  certificateId: string;
  kind: 'erasure' | 'destruction';
  /** ISO-8601 UTC. */
  issuedAt: string;
  media: {
    manufacturer: string;
    model: string;
    serial: string;
    mediaType: MediaType;
    capacityBytes?: number;
    /** Appendix G "Source": the trace code of the item the medium came out of. */
    source: { itemTraceCode: string };
    mediumId?: string;
  };
  sanitization: {
    level: SanitizationLevel;
    technique: Technique;
    /** "Method used" in words, plus the tool's own label (Appendix G "Method details"). */
    methodDescription: string;
    passes?: number;
    policy?: PolicyId;
    tool: { name: string; version: string };
    verification: {
      /** 'visual' is the inspection of a destroyed medium's remains. */
      method: 'full' | 'sample' | 'visual';
      outcome: VerificationOutcome;
      /** The station's own seeded read-back sample, when a station ran the wipe. */
      sample?: VerificationSample;
    };
    /** ISO-8601 UTC. */
    startedAt: string;
    completedAt: string;
    runId?: string;
    notes?: string;
  };
  operator: CertificatePerson;
  verifier: CertificatePerson;
  destination: PostSanitizationDestination;
  /**
   * Present (true) only when the run came from the erasure simulator: nothing was erased, the
   * certificate is for development and demos, and it never opens the sale gate in production.
   */
  simulated?: true;
}

/** The simulator's run record (source 'simulated') erased nothing. */
export function isSimulatedRun(run: Pick<ErasureRunRecord, 'source'>): boolean {
  return run.source === 'simulated';
}

export interface SignedCertificate {
  document: SanitizationCertificate;
  /** Ed25519 signature, base64url, over canonicalJson({ algorithm, keyId, document }). */
  signature: string;
  keyId: string;
  algorithm: 'Ed25519';
}

// ---------------------------------------------------------------------------------------------
// Building

/**
 * Deterministic certificate id for one wipe of one medium: a job that runs twice computes the
 * same id, so the database's unique constraint turns the second issue into a no-op.
 */
export function certificateIdFor(mediumKey: string, runKey: string, prefix = 'SC'): string {
  const digest = createHash('sha256').update(`${mediumKey}\u0000${runKey}`).digest();
  // Crockford base32 of 80 bits: short enough to read over the phone.
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest.subarray(0, 10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return `${prefix}-${out.slice(0, 8)}-${out.slice(8)}`;
}

export class CertificateRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateRefusedError';
  }
}

export interface ErasureCertificateInput {
  medium: Medium & { itemTraceCode: string };
  run: ErasureRunRecord;
  runId?: string;
  policy?: PolicyId;
  operator: CertificatePerson;
  verifier: CertificatePerson;
  destination: Exclude<PostSanitizationDestination, 'destroy'>;
  issuedAt?: Date;
  certificateId?: string;
  notes?: string;
  /** Mark the certificate simulated; a simulator run (source 'simulated') is marked anyway. */
  simulated?: boolean;
}

/**
 * The medium as a certificate (erasure or destruction) describes it; `reported` is what the
 * tool read off the medium, for the maker and model the item's record does not name.
 */
export function certificateMedia(
  medium: Medium & { itemTraceCode: string },
  reported: Pick<Medium, 'manufacturer' | 'model'> = {},
): SanitizationCertificate['media'] {
  return {
    manufacturer: medium.manufacturer ?? reported.manufacturer ?? 'unknown',
    model: medium.model ?? reported.model ?? 'unknown',
    serial: medium.serial,
    mediaType: medium.mediaType,
    capacityBytes: medium.capacityBytes,
    source: { itemTraceCode: medium.itemTraceCode },
    ...(medium.id ? { mediumId: medium.id } : {}),
  };
}

/**
 * The certificate for a successful, verified wipe. Refuses runs that failed, were not verified,
 * or whose technique achieves nothing on the medium: a certificate must never overstate.
 * Check the run against the policy (checkRunAgainstPolicy) before calling this.
 */
export function buildErasureCertificate(input: ErasureCertificateInput): SanitizationCertificate {
  const { medium, run } = input;
  if (run.status !== 'succeeded') throw new CertificateRefusedError('the run did not succeed');
  if (run.technique === null) {
    throw new CertificateRefusedError(`method "${run.methodName}" is not a known technique`);
  }
  const level = techniqueAchieves(medium.mediaType, run.technique, run.passesCompleted);
  if (level === null) {
    throw new CertificateRefusedError(`${run.technique} does not sanitize ${medium.mediaType}`);
  }
  if (level === 'Destroy') {
    throw new CertificateRefusedError('use buildDestructionCertificate for physical destruction');
  }
  if (run.verification.method === 'none' || run.verification.outcome !== 'passed') {
    throw new CertificateRefusedError('the run has no passed verification');
  }
  const runKey = input.runId ?? `${run.source}:${run.startedAt}`;
  const passes = run.technique === 'overwrite' ? run.passesCompleted : undefined;
  return {
    schema: CERTIFICATE_SCHEMA,
    certificateId: input.certificateId ?? certificateIdFor(medium.id ?? medium.serial, runKey),
    kind: 'erasure',
    issuedAt: (input.issuedAt ?? new Date()).toISOString(),
    media: certificateMedia(medium, run),
    sanitization: {
      level,
      technique: run.technique,
      methodDescription: `${TECHNIQUE_LABELS[run.technique]}${passes ? `, ${passes} pass(es)` : ''} (${run.methodName})`,
      ...(passes !== undefined ? { passes } : {}),
      ...(input.policy ? { policy: input.policy } : {}),
      tool: { ...run.tool },
      verification: {
        method: run.verification.method,
        outcome: run.verification.outcome,
        ...(run.verification.sample ? { sample: { ...run.verification.sample } } : {}),
      },
      startedAt: run.startedAt,
      completedAt: run.finishedAt,
      ...(input.runId ? { runId: input.runId } : {}),
      ...(input.notes ? { notes: input.notes } : {}),
    },
    operator: { ...input.operator },
    verifier: { ...input.verifier },
    destination: input.destination,
    ...(input.simulated || isSimulatedRun(run) ? { simulated: true as const } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Keys

export interface SigningKeyPair {
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export type KeyInput = KeyObject | string;

export function loadPrivateKey(key: KeyInput): KeyObject {
  const object = typeof key === 'string' ? createPrivateKey(key) : key;
  if (object.type !== 'private' || object.asymmetricKeyType !== 'ed25519') {
    throw new Error('expected an Ed25519 private key');
  }
  return object;
}

/** Accepts a public key, or a private key from which the public half is derived. */
export function loadPublicKey(key: KeyInput): KeyObject {
  const object =
    typeof key === 'string'
      ? key.includes('PRIVATE KEY')
        ? createPublicKey(createPrivateKey(key))
        : createPublicKey(key)
      : key.type === 'private'
        ? createPublicKey(key)
        : key;
  if (object.asymmetricKeyType !== 'ed25519') throw new Error('expected an Ed25519 public key');
  return object;
}

/** Key id = "ed25519-" + first 16 base64url chars of SHA-256 over the SPKI DER: stable, public. */
export function keyIdFor(key: KeyInput): string {
  const der = loadPublicKey(key).export({ type: 'spki', format: 'der' });
  return `ed25519-${createHash('sha256').update(der).digest('base64url').slice(0, 16)}`;
}

export function generateSigningKeyPair(): SigningKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    keyId: keyIdFor(publicKey),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Signing and verification

/** The exact bytes that are signed; the key id and algorithm are bound to the document. */
export function signingPayload(
  document: SanitizationCertificate,
  keyId: string,
  algorithm = 'Ed25519',
): Buffer {
  const text = canonicalize({ algorithm, keyId, document });
  if (text === undefined) throw new Error('certificate is not serialisable');
  return Buffer.from(text, 'utf8');
}

export function signCertificate(
  doc: SanitizationCertificate,
  key: { keyId: string; privateKey: KeyInput },
): SignedCertificate {
  // Round-trip through JSON so the stored document is exactly what was signed (no undefined
  // members, no Date objects, no class instances).
  const document = JSON.parse(JSON.stringify(doc)) as SanitizationCertificate;
  const signature = sign(null, signingPayload(document, key.keyId), loadPrivateKey(key.privateKey));
  return {
    document,
    signature: signature.toString('base64url'),
    keyId: key.keyId,
    algorithm: 'Ed25519',
  };
}

export type PublicKeyLookup =
  | Readonly<Record<string, KeyInput>>
  | ReadonlyMap<string, KeyInput>
  | ((keyId: string) => KeyInput | undefined);

export interface VerificationResult {
  valid: boolean;
  reason: 'ok' | 'malformed' | 'unsupported-algorithm' | 'unknown-key' | 'bad-signature';
}

function lookupKey(keys: PublicKeyLookup, keyId: string): KeyInput | undefined {
  if (typeof keys === 'function') return keys(keyId);
  if (keys instanceof Map) return (keys as ReadonlyMap<string, KeyInput>).get(keyId);
  const record = keys as Readonly<Record<string, KeyInput>>;
  return Object.prototype.hasOwnProperty.call(record, keyId) ? record[keyId] : undefined;
}

/**
 * Checks a signed certificate (typically parsed from JSON posted to the public verify
 * endpoint). Any change to any field of the document, the key id or the algorithm fails.
 */
export function verifyCertificate(
  signed: unknown,
  publicKeysById: PublicKeyLookup,
): VerificationResult {
  if (!signed || typeof signed !== 'object') return { valid: false, reason: 'malformed' };
  const { document, signature, keyId, algorithm } = signed as Partial<SignedCertificate>;
  if (
    !document ||
    typeof document !== 'object' ||
    typeof signature !== 'string' ||
    typeof keyId !== 'string'
  ) {
    return { valid: false, reason: 'malformed' };
  }
  if (algorithm !== 'Ed25519') return { valid: false, reason: 'unsupported-algorithm' };
  const keyInput = lookupKey(publicKeysById, keyId);
  if (keyInput === undefined) return { valid: false, reason: 'unknown-key' };
  let ok: boolean;
  try {
    const sig = Buffer.from(signature, 'base64url');
    // Refuse non-canonical encodings so one certificate has exactly one valid signature string.
    if (sig.length !== 64 || sig.toString('base64url') !== signature) {
      return { valid: false, reason: 'bad-signature' };
    }
    ok = verify(null, signingPayload(document, keyId), loadPublicKey(keyInput), sig);
  } catch {
    return { valid: false, reason: 'malformed' };
  }
  return ok ? { valid: true, reason: 'ok' } : { valid: false, reason: 'bad-signature' };
}
