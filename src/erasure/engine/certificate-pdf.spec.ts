import { describe, expect, it } from '@jest/globals';
import { buildErasureCertificate, generateSigningKeyPair, signCertificate } from './certificate.js';
import { certificateRows, renderCertificatePdf } from './certificate-pdf.js';
import { buildDestructionCertificate } from './destruction.js';

const keys = generateSigningKeyPair();
const medium = {
  mediaType: 'flash' as const,
  serial: 'F17ABC123',
  manufacturer: 'Apple',
  model: 'iPhone 12',
  capacityBytes: 128e9,
  itemTraceCode: 'A2B3C4D5E6',
};
const signed = signCertificate(
  buildErasureCertificate({
    medium,
    run: {
      source: 'blancco',
      tool: { name: 'Blancco Mobile', version: '5.2.1' },
      serial: 'F17ABC123',
      technique: 'crypto-erase',
      methodName: 'Cryptographic Erasure',
      passesCompleted: 1,
      verification: { method: 'full', outcome: 'passed' },
      status: 'succeeded',
      startedAt: '2027-02-02T08:00:00.000Z',
      finishedAt: '2027-02-02T08:05:00.000Z',
      logs: [],
    },
    runId: 'r1',
    operator: { name: '李伟', organisation: 'Reloop' },
    verifier: { name: 'Wang Fang' },
    destination: 'reuse',
    issuedAt: new Date('2027-02-02T09:00:00Z'),
  }),
  { keyId: keys.keyId, privateKey: keys.privateKeyPem },
);

describe('renderCertificatePdf', () => {
  it('renders a PDF with the QR code', async () => {
    const pdf = await renderCertificatePdf(signed, {
      verifyUrl: `https://reloop.example/certificates/${signed.document.certificateId}/verify`,
      issuer: 'Reloop',
    });
    expect(Buffer.isBuffer(pdf)).toBe(true);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(3000);
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    // one embedded image: the QR code
    expect(pdf.toString('latin1')).toMatch(/\/Subtype \/Image/);
  });

  it('prints the signature (Courier, so not kerned) in the content stream', async () => {
    const pdf = await renderCertificatePdf(signed, {
      verifyUrl: 'https://reloop.example/v',
      compress: false,
    });
    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
    const text = pdf.toString('latin1').toLowerCase();
    expect(text).toContain(hex(signed.signature.slice(0, 40)));
  });

  it('renders destruction certificates too', async () => {
    const doc = buildDestructionCertificate({
      medium,
      destruction: {
        technique: 'disintegrate',
        equipment: { name: 'SEM 0300', version: 'svc-2026-11' },
        particleSizeMm: 2,
        startedAt: new Date('2027-02-03T08:00:00Z'),
        completedAt: new Date('2027-02-03T08:01:00Z'),
        reason: 'wipe failed 3 time(s)',
        destructionId: 'd1',
      },
      operator: { name: 'Li Wei' },
      verifier: { name: 'Wang Fang' },
    });
    const pdf = await renderCertificatePdf(
      signCertificate(doc, { keyId: keys.keyId, privateKey: keys.privateKeyPem }),
      {
        verifyUrl: 'https://reloop.example/v',
      },
    );
    expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF');
  });

  it('prints every certificate field', () => {
    const labels = certificateRows(signed).flatMap(([, rows]) => rows.map(([label]) => label));
    for (const label of [
      'Manufacturer',
      'Model',
      'Serial number',
      'Media type',
      'Media source (item trace code)',
      'Sanitization level (NIST SP 800-88)',
      'Technique',
      'Tool and version',
      'Verification method',
      'Sanitized by (operator)',
      'Validated by (verifier)',
      'Started',
      'Completed',
      'Destination',
    ]) {
      expect(labels).toContain(label);
    }
    const values = Object.fromEntries(certificateRows(signed).flatMap(([, rows]) => rows));
    expect(values['Serial number']).toBe('F17ABC123');
    expect(values['Sanitization level (NIST SP 800-88)']).toBe('Purge');
    expect(values['Tool and version']).toBe('Blancco Mobile 5.2.1');
  });
});
