import { describe, expect, it } from '@jest/globals';
import {
  CertificateRefusedError,
  generateSigningKeyPair,
  signCertificate,
  verifyCertificate,
} from './certificate.js';
import {
  buildDestructionCertificate,
  DEFAULT_RETRY_POLICY,
  type DestructionRecord,
  routeAfterFailure,
} from './destruction.js';

const hdd = {
  mediaType: 'hdd' as const,
  serial: 'WD-1',
  capacityBytes: 1e12,
  itemTraceCode: 'A2B3C4D5E6',
  id: 'm1',
};
const ssd = { ...hdd, mediaType: 'ssd' as const, serial: 'S-1' };

const destruction: DestructionRecord = {
  technique: 'shred',
  equipment: { name: 'Untha RS30', version: 'svc-2026-10' },
  facility: 'Reloop Kunshan',
  startedAt: new Date('2027-03-01T08:00:00Z'),
  completedAt: new Date('2027-03-01T08:02:00Z'),
  reason: 'wipe failed 3 time(s)',
  destructionId: 'd-1',
};

describe('routeAfterFailure', () => {
  it('retries with exponential backoff, then routes to destruction after the last try', () => {
    expect(routeAfterFailure(hdd, { attempt: 1, reason: 'I/O error' })).toEqual({
      action: 'retry',
      nextAttempt: 2,
      delayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
      reason: 'I/O error',
    });
    expect(routeAfterFailure(hdd, { attempt: 2 })).toMatchObject({
      action: 'retry',
      nextAttempt: 3,
      delayMs: 2 * DEFAULT_RETRY_POLICY.baseDelayMs,
    });
    const last = routeAfterFailure(hdd, { attempt: 3, reason: 'I/O error' });
    expect(last).toMatchObject({ action: 'destroy', technique: 'shred' });
    expect(last.reason).toContain('I/O error');
  });

  it('caps the backoff and honours a custom retry policy', () => {
    expect(
      routeAfterFailure(
        hdd,
        { attempt: 9 },
        { retry: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 60_000 } },
      ),
    ).toMatchObject({ action: 'retry', delayMs: 60_000 });
    expect(routeAfterFailure(hdd, { attempt: 1 }, { retry: { maxAttempts: 1 } }).action).toBe(
      'destroy',
    );
    expect(() => routeAfterFailure(hdd, { attempt: 1 }, { retry: { maxAttempts: 0 } })).toThrow();
  });

  it('destroys at once when retrying cannot help, and disintegrates flash', () => {
    expect(routeAfterFailure(ssd, { attempt: 1 }, { physicallyDamaged: true })).toMatchObject({
      action: 'destroy',
      technique: 'disintegrate',
    });
    expect(
      routeAfterFailure(ssd, { attempt: 1, failedPhase: 'precheck' }, { unwipeable: true }).action,
    ).toBe('destroy');
  });
});

describe('buildDestructionCertificate', () => {
  const people = {
    operator: { name: 'Li Wei', id: 'u1' },
    verifier: { name: 'Wang Fang', id: 'u2' },
  };

  it('certifies Destroy with a shred/disintegrate technique and a witness', () => {
    const doc = buildDestructionCertificate({
      medium: hdd,
      destruction,
      ...people,
      issuedAt: new Date('2027-03-01T09:00:00Z'),
    });
    expect(doc).toMatchObject({
      kind: 'destruction',
      destination: 'destroy',
      media: { serial: 'WD-1', mediaType: 'hdd', source: { itemTraceCode: 'A2B3C4D5E6' } },
      sanitization: {
        level: 'Destroy',
        technique: 'shred',
        tool: { name: 'Untha RS30', version: 'svc-2026-10' },
        verification: { method: 'visual', outcome: 'passed' },
        completedAt: '2027-03-01T08:02:00.000Z',
        notes: 'wipe failed 3 time(s)',
      },
    });
    expect(doc.certificateId).toMatch(/^DC-/);
    expect(buildDestructionCertificate({ medium: hdd, destruction, ...people }).certificateId).toBe(
      doc.certificateId,
    );
    const keys = generateSigningKeyPair();
    const signed = signCertificate(doc, { keyId: keys.keyId, privateKey: keys.privateKeyPem });
    expect(verifyCertificate(signed, { [keys.keyId]: keys.publicKeyPem }).valid).toBe(true);
  });

  it('refuses non-destructive techniques, coarse flash particles, self-witnessing and bad times', () => {
    expect(() =>
      buildDestructionCertificate({
        medium: hdd,
        destruction: { ...destruction, technique: 'degauss' as 'shred' },
        ...people,
      }),
    ).toThrow(CertificateRefusedError);
    expect(() =>
      buildDestructionCertificate({
        medium: ssd,
        destruction: { ...destruction, particleSizeMm: 10 },
        ...people,
      }),
    ).toThrow(/particles/);
    expect(
      buildDestructionCertificate({
        medium: hdd,
        destruction: { ...destruction, particleSizeMm: 10 },
        ...people,
      }).sanitization.level,
    ).toBe('Destroy');
    expect(() =>
      buildDestructionCertificate({
        medium: hdd,
        destruction,
        operator: people.operator,
        verifier: { name: ' li wei ' },
      }),
    ).toThrow(/witness/);
    expect(() =>
      buildDestructionCertificate({
        medium: hdd,
        destruction: { ...destruction, completedAt: new Date('2027-02-01T00:00:00Z') },
        ...people,
      }),
    ).toThrow(/before/);
  });
});
