import { describe, expect, it } from '@jest/globals';
import {
  buildErasureCertificate,
  generateSigningKeyPair,
  type SignedCertificate,
  signCertificate,
} from './certificate.js';
import { checkErasureGate } from './gate.js';
import type { ErasureRunRecord, Medium } from './types.js';

const keys = generateSigningKeyPair();
const publicKeys = { [keys.keyId]: keys.publicKeyPem };
const drives: Array<Medium & { itemTraceCode: string }> = [
  { id: 'm1', mediaType: 'ssd', serial: 'S-1', capacityBytes: 512e9, itemTraceCode: 'A2B3C4D5E6' },
  { id: 'm2', mediaType: 'hdd', serial: 'H-2', capacityBytes: 1e12, itemTraceCode: 'A2B3C4D5E6' },
];

function certify(
  medium: Medium & { itemTraceCode: string },
  run: Partial<ErasureRunRecord> = {},
): SignedCertificate {
  const doc = buildErasureCertificate({
    medium,
    run: {
      source: 'simulated',
      tool: { name: 'sim', version: '1' },
      serial: medium.serial,
      technique: medium.mediaType === 'hdd' ? 'overwrite' : 'block-erase',
      methodName: 'x',
      passesCompleted: 3,
      verification: { method: 'full', outcome: 'passed' },
      status: 'succeeded',
      startedAt: '2027-01-02T00:00:00.000Z',
      finishedAt: '2027-01-02T01:00:00.000Z',
      logs: [],
      ...run,
    },
    runId: `run-${medium.serial}`,
    operator: { name: 'A' },
    verifier: { name: 'B' },
    destination: 'reuse',
  });
  return signCertificate(doc, { keyId: keys.keyId, privateKey: keys.privateKeyPem });
}

describe('checkErasureGate', () => {
  it('refuses an item until every medium has a valid certificate', () => {
    const first = certify(drives[0]);
    expect(
      checkErasureGate({ requiresErasure: true, media: drives, certificates: [], publicKeys }),
    ).toEqual({
      allowed: false,
      blockers: [
        { serial: 'S-1', mediumId: 'm1', reason: 'no-certificate' },
        { serial: 'H-2', mediumId: 'm2', reason: 'no-certificate' },
      ],
    });
    const partial = checkErasureGate({
      requiresErasure: true,
      media: drives,
      certificates: [first],
      publicKeys,
    });
    expect(partial.allowed).toBe(false);
    expect(partial.blockers.map((b) => b.serial)).toEqual(['H-2']);
    expect(
      checkErasureGate({
        requiresErasure: true,
        media: drives,
        certificates: [first, certify(drives[1])],
        publicKeys,
      }).allowed,
    ).toBe(true);
  });

  it('refuses tampered certificates and certificates signed by unknown keys', () => {
    const tampered = structuredClone(certify(drives[1]));
    // claim a stronger level than the overwrite achieved
    tampered.document.sanitization.level = 'Purge';
    const result = checkErasureGate({
      requiresErasure: true,
      media: [drives[1]],
      certificates: [tampered],
      publicKeys,
    });
    expect(result.blockers[0]).toMatchObject({
      reason: 'invalid-certificate',
      detail: 'bad-signature',
    });
    expect(
      checkErasureGate({
        requiresErasure: true,
        media: [drives[0]],
        certificates: [certify(drives[0])],
        publicKeys: {},
      }).blockers[0].detail,
    ).toBe('unknown-key');
  });

  it('enforces a minimum level and lets items without storage through', () => {
    const clear = certify(drives[1]);
    expect(
      checkErasureGate({
        requiresErasure: true,
        media: [drives[1]],
        certificates: [clear],
        publicKeys,
        minLevel: 'Purge',
      }).blockers[0],
    ).toMatchObject({ reason: 'level-too-low', detail: 'Clear' });
    expect(
      checkErasureGate({ requiresErasure: false, media: drives, certificates: [], publicKeys })
        .allowed,
    ).toBe(true);
  });

  it('matches by serial when medium ids are absent, ignoring case and spaces', () => {
    const cert = certify({ ...drives[0], id: undefined });
    expect(
      checkErasureGate({
        requiresErasure: true,
        media: [{ serial: ' s-1 ' }],
        certificates: [cert],
        publicKeys,
      }).allowed,
    ).toBe(true);
  });
});
