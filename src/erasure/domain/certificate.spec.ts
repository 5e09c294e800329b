import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { LAPTOP_DRIVE } from '../../../test/support/erasure-runs.js';
import {
  buildErasureCertificate,
  certificateIdFor,
  CertificateRefusedError,
  generateSigningKeyPair,
  keyIdFor,
  loadPrivateKey,
  loadPublicKey,
  type SanitizationCertificate,
  signCertificate,
  verifyCertificate,
} from './certificate.js';
import type { ErasureRunRecord } from './types.js';

const medium = LAPTOP_DRIVE;

const run: ErasureRunRecord = {
  source: 'nwipe',
  tool: { name: 'nwipe', version: '0.37' },
  serial: 'WD-WCAYU1234567',
  technique: 'overwrite',
  methodName: 'DoD Short',
  passesCompleted: 4,
  verification: { method: 'full', outcome: 'passed' },
  status: 'succeeded',
  startedAt: '2027-02-01T01:00:00.000Z',
  finishedAt: '2027-02-01T04:42:10.000Z',
  logs: [],
};

function certificate(
  overrides: Partial<Parameters<typeof buildErasureCertificate>[0]> = {},
): SanitizationCertificate {
  return buildErasureCertificate({
    medium,
    run,
    runId: 'run-1',
    policy: 'cn-2027',
    operator: { name: 'Li Wei', id: 'u-1', organisation: 'Reloop Shanghai' },
    verifier: { name: 'Wang Fang', id: 'u-2' },
    destination: 'reuse',
    issuedAt: new Date('2027-02-01T05:00:00Z'),
    ...overrides,
  });
}

describe('buildErasureCertificate', () => {
  it('fills the NIST SP 800-88 Appendix G fields', () => {
    const doc = certificate();
    expect(doc).toMatchObject({
      kind: 'erasure',
      issuedAt: '2027-02-01T05:00:00.000Z',
      media: {
        manufacturer: 'Western Digital',
        model: 'WD5000AAKX',
        serial: 'WD-WCAYU1234567',
        mediaType: 'hdd',
        source: { itemTraceCode: 'A2B3C4D5E6' },
        mediumId: 'med-1',
      },
      sanitization: {
        level: 'Clear',
        technique: 'overwrite',
        passes: 4,
        policy: 'cn-2027',
        tool: { name: 'nwipe', version: '0.37' },
        verification: { method: 'full', outcome: 'passed' },
        startedAt: run.startedAt,
        completedAt: run.finishedAt,
        runId: 'run-1',
      },
      operator: { name: 'Li Wei' },
      verifier: { name: 'Wang Fang' },
      destination: 'reuse',
    });
    expect(doc.sanitization.methodDescription).toContain('DoD Short');
    expect(doc.certificateId).toMatch(/^SC-[0-9A-Z]{8}-[0-9A-Z]{8}$/);
  });

  it('gives one wipe of one medium one certificate id, whatever runs the job', () => {
    expect(certificate().certificateId).toBe(certificate({ issuedAt: new Date() }).certificateId);
    expect(certificate({ runId: 'run-2' }).certificateId).not.toBe(certificate().certificateId);
    expect(certificateIdFor('med-1', 'run-1')).toBe(certificate().certificateId);
  });

  it('refuses failed, unverified, unknown or ineffective runs', () => {
    expect(() => certificate({ run: { ...run, status: 'failed' } })).toThrow(
      CertificateRefusedError,
    );
    expect(() =>
      certificate({ run: { ...run, verification: { method: 'full', outcome: 'failed' } } }),
    ).toThrow(/verification/);
    expect(() =>
      certificate({ run: { ...run, verification: { method: 'none', outcome: 'not-run' } } }),
    ).toThrow(/verification/);
    expect(() => certificate({ run: { ...run, technique: null } })).toThrow(
      /not a known technique/,
    );
    expect(() =>
      certificate({
        medium: { ...medium, mediaType: 'ssd' },
        run: { ...run, technique: 'ata-secure-erase' },
      }),
    ).toThrow(/does not sanitize/);
    expect(() => certificate({ run: { ...run, technique: 'shred' } })).toThrow(/destruction/);
  });
});

describe('signing', () => {
  const keys = generateSigningKeyPair();
  const publicKeys = { [keys.keyId]: keys.publicKeyPem };

  it('signs and verifies with Ed25519 over canonical JSON', () => {
    const signed = signCertificate(certificate(), {
      keyId: keys.keyId,
      privateKey: keys.privateKeyPem,
    });
    expect(signed.algorithm).toBe('Ed25519');
    expect(signed.keyId).toBe(keys.keyId);
    expect(signed.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(verifyCertificate(signed, publicKeys)).toEqual({ valid: true, reason: 'ok' });
  });

  it('survives a JSON round trip with reordered keys', () => {
    const signed = signCertificate(certificate(), {
      keyId: keys.keyId,
      privateKey: keys.privateKeyPem,
    });
    const { document, ...rest } = JSON.parse(JSON.stringify(signed)) as typeof signed;
    const shuffled = { ...rest, document: Object.fromEntries(Object.entries(document).reverse()) };
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(signed));
    expect(verifyCertificate(shuffled, publicKeys).valid).toBe(true);
  });

  it('fails when any field is tampered with', () => {
    const signed = signCertificate(certificate(), {
      keyId: keys.keyId,
      privateKey: keys.privateKeyPem,
    });
    const tamper = (mutate: (d: SanitizationCertificate) => void) => {
      const copy = structuredClone(signed);
      mutate(copy.document);
      return verifyCertificate(copy, publicKeys);
    };
    expect(tamper((d) => (d.media.serial = 'WD-WCAYU7654321'))).toEqual({
      valid: false,
      reason: 'bad-signature',
    });
    expect(tamper((d) => (d.sanitization.level = 'Purge')).valid).toBe(false);
    expect(tamper((d) => (d.sanitization.passes = 7)).valid).toBe(false);
    expect(tamper((d) => (d.verifier.name = 'Someone Else')).valid).toBe(false);
    expect(tamper((d) => (d.destination = 'recycle')).valid).toBe(false);
    expect(tamper((d) => Object.assign(d, { extra: 1 })).valid).toBe(false);
  });

  it('rejects unknown keys, wrong keys, other algorithms and malformed input', () => {
    const signed = signCertificate(certificate(), {
      keyId: keys.keyId,
      privateKey: keys.privateKeyPem,
    });
    const other = generateSigningKeyPair();
    expect(verifyCertificate(signed, {})).toEqual({ valid: false, reason: 'unknown-key' });
    expect(verifyCertificate(signed, { [keys.keyId]: other.publicKeyPem }).reason).toBe(
      'bad-signature',
    );
    // swapping the key id to another known key breaks the signature (key id is signed)
    expect(
      verifyCertificate(
        { ...signed, keyId: other.keyId },
        { ...publicKeys, [other.keyId]: other.publicKeyPem },
      ).reason,
    ).toBe('bad-signature');
    expect(verifyCertificate({ ...signed, algorithm: 'RS256' }, publicKeys).reason).toBe(
      'unsupported-algorithm',
    );
    expect(
      verifyCertificate({ ...signed, signature: signed.signature.slice(2) }, publicKeys).reason,
    ).toBe('bad-signature');
    expect(verifyCertificate(null, publicKeys).reason).toBe('malformed');
    expect(
      verifyCertificate({ document: 'x', signature: 1, keyId: keys.keyId }, publicKeys).reason,
    ).toBe('malformed');
    expect(verifyCertificate(signed, { toString: keys.publicKeyPem }).reason).toBe('unknown-key');
  });

  it('accepts key lookups as Map or function, and KeyObjects', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyId = keyIdFor(publicKey);
    const signed = signCertificate(certificate(), { keyId, privateKey });
    expect(verifyCertificate(signed, new Map([[keyId, publicKey]])).valid).toBe(true);
    expect(verifyCertificate(signed, (id) => (id === keyId ? publicKey : undefined)).valid).toBe(
      true,
    );
  });

  it('loads PEM keys and derives stable key ids', () => {
    expect(keyIdFor(keys.publicKeyPem)).toBe(keys.keyId);
    expect(keyIdFor(keys.privateKeyPem)).toBe(keys.keyId);
    expect(keys.keyId).toMatch(/^ed25519-[A-Za-z0-9_-]{16}$/);
    expect(loadPrivateKey(keys.privateKeyPem).asymmetricKeyType).toBe('ed25519');
    expect(loadPublicKey(keys.privateKeyPem).type).toBe('public');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => loadPrivateKey(rsa.privateKey)).toThrow(/Ed25519/);
    expect(() => loadPublicKey(rsa.publicKey)).toThrow(/Ed25519/);
  });
});
