import { describe, expect, it } from '@jest/globals';
import { cryptoEraseRun } from '../../../test/support/erasure-runs.js';
import {
  buildErasureCertificate,
  type ErasureCertificateInput,
  generateSigningKeyPair,
  type SanitizationCertificate,
  signCertificate,
  verifyCertificate,
} from './certificate.js';
import { certificateRows, renderCertificatePdf, SIMULATED_BANNER } from './certificate-pdf.js';
import { buildDestructionCertificate } from './destruction.js';
import type { ErasureRunRecord } from './types.js';

const keys = generateSigningKeyPair();
const medium = {
  mediaType: 'flash' as const,
  serial: 'F17ABC123',
  manufacturer: 'Apple',
  model: 'iPhone 12',
  capacityBytes: 128e9,
  itemTraceCode: 'A2B3C4D5E6',
};
const sign = (doc: SanitizationCertificate) =>
  signCertificate(doc, { keyId: keys.keyId, privateKey: keys.privateKeyPem });
/** The medium's certificate for a crypto erase by this tool, signed. */
const signedCryptoErase = (
  tool: Pick<ErasureRunRecord, 'source' | 'tool'> & Partial<ErasureRunRecord>,
  details: Omit<ErasureCertificateInput, 'medium' | 'run'>,
) =>
  sign(
    buildErasureCertificate({
      medium,
      run: cryptoEraseRun({ serial: medium.serial, ...tool }),
      ...details,
    }),
  );
const signed = signedCryptoErase(
  { source: 'blancco', tool: { name: 'Blancco Mobile', version: '5.2.1' } },
  {
    runId: 'r1',
    operator: { name: '李伟', organisation: 'Reloop' },
    verifier: { name: 'Wang Fang' },
    destination: 'reuse',
    issuedAt: new Date('2027-02-02T09:00:00Z'),
  },
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
    const pdf = await renderCertificatePdf(sign(doc), {
      verifyUrl: 'https://reloop.example/v',
    });
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

  it('marks a simulated run: signed `simulated: true` and a SIMULATED banner on the PDF', async () => {
    const simulated = signedCryptoErase(
      {
        source: 'simulated',
        tool: { name: 'reloop-simulated-station', version: '1.0.0' },
        methodName: 'simulated crypto erase',
      },
      { operator: { name: 'station' }, verifier: { name: 'station' }, destination: 'reuse' },
    );
    expect(simulated.document.simulated).toBe(true);
    // A real tool's run carries no mark at all (and the flag is covered by the signature).
    expect('simulated' in signed.document).toBe(false);
    expect(
      verifyCertificate(
        { ...simulated, document: { ...simulated.document, simulated: undefined } },
        {
          [keys.keyId]: keys.publicKeyPem,
        },
      ).valid,
    ).toBe(false);

    const hex = (s: string) => Buffer.from(s, 'latin1').toString('hex');
    const render = async (c: typeof signed) =>
      (await renderCertificatePdf(c, { verifyUrl: 'https://reloop.example/v', compress: false }))
        .toString('latin1')
        .toLowerCase();
    const text = await render(simulated);
    // Helvetica is kerned, so the banner is split into runs: "SIMULA" + "TED — no data was erased".
    expect(SIMULATED_BANNER).toBe('SIMULATED \u2014 no data was erased');
    expect(text).toContain(hex('SIMULA'));
    expect(text).toContain(hex(' no data was erased'));
    expect(await render(signed)).not.toContain(hex(' no data was erased'));
  });
});
