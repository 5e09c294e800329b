import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { cryptoEraseRun } from '../../../test/support/erasure-runs.js';
import { pdfText } from '../../../test/support/pdf-text.js';
import { buildErasureCertificate, generateSigningKeyPair, signCertificate } from './certificate.js';
import { renderCertificatePdf } from './certificate-pdf.js';
import { findCjkFont, KNOWN_CJK_FONTS, NO_CJK_FONT, openCjkFont } from '../../config/cjk-font.js';

// The machine's CJK font (CI installs Debian's fonts-noto-cjk): without it this fails, saying so.
const installed = findCjkFont(undefined);
// Parsed once for the file, as the service does (a CJK font takes a moment to read).
const opened = installed ? openCjkFont(installed) : Promise.reject(new Error(NO_CJK_FONT));

const keys = generateSigningKeyPair();
/** A phone wiped in a Chinese warehouse: the model, the operator and the place in Chinese. */
const certificate = signCertificate(
  buildErasureCertificate({
    medium: {
      mediaType: 'flash',
      serial: '356938035643809',
      manufacturer: '华为',
      model: 'Mate 60 Pro 雅川青',
      capacityBytes: 256e9,
      itemTraceCode: 'A2B3C4D5E6',
    },
    run: cryptoEraseRun({
      source: 'simulated',
      tool: { name: 'reloop-simulated-station', version: '1.0.0' },
      serial: '356938035643809',
    }),
    runId: 'r1',
    operator: { name: '李伟', organisation: '上海浦东回收仓', location: '上海市浦东新区' },
    verifier: { name: 'Wang Fang' },
    destination: 'reuse',
    issuedAt: new Date('2027-02-02T09:00:00Z'),
  }),
  { keyId: keys.keyId, privateKey: keys.privateKeyPem },
);

describe('the Chinese font of certificate PDFs', () => {
  it('is the setting when its file exists, else the first known font installed', () => {
    const only =
      (...paths: string[]) =>
      (p: string) =>
        paths.includes(p);
    expect(findCjkFont('/srv/fonts/simhei.ttf', only('/srv/fonts/simhei.ttf'))).toBe(
      '/srv/fonts/simhei.ttf',
    );
    // A setting that names nothing is not silently replaced by another font.
    expect(findCjkFont('/srv/fonts/missing.ttf', only(KNOWN_CJK_FONTS[0]))).toBeNull();
    expect(findCjkFont(undefined, only(KNOWN_CJK_FONTS[2], KNOWN_CJK_FONTS[4]))).toBe(
      KNOWN_CJK_FONTS[2],
    );
    expect(findCjkFont(undefined, only())).toBeNull();
  });

  it('is installed on this machine', () => {
    expect({ font: installed, fix: installed ? null : NO_CJK_FONT }).toEqual({
      font: expect.any(String),
      fix: null,
    });
  });

  it('takes the Simplified Chinese face of a collection', async () => {
    const font = await opened;
    expect(font.hasGlyphForCodePoint('擦'.codePointAt(0)!)).toBe(true);
    if (installed!.endsWith('NotoSansCJK-Regular.ttc')) {
      expect(font.postscriptName).toBe('NotoSansCJKsc-Regular');
    }
  });

  it('refuses a font without Chinese, saying what to install', async () => {
    const latin = join(
      process.cwd(),
      'node_modules',
      'pdfjs-dist',
      'standard_fonts',
      'LiberationSans-Regular.ttf',
    );
    await expect(openCjkFont(latin)).rejects.toThrow(/has no Chinese glyphs: .*fonts-noto-cjk/);
  });

  it('prints the Chinese model, operator and warehouse on the certificate', async () => {
    const font = await opened;
    const pdf = await renderCertificatePdf(certificate, { verifyUrl: 'https://r.example/v', font });
    const text = await pdfText(pdf);
    for (const words of [
      '华为',
      'Mate 60 Pro 雅川青',
      '李伟',
      '上海浦东回收仓',
      '上海市浦东新区',
    ]) {
      expect(text).toContain(words);
    }
    expect(text).toContain('Certificate of Media Sanitization');
    // Only the glyphs used are embedded: a page, not the 19 MB font.
    expect(pdf.length).toBeLessThan(400_000);
  });

  it("prints '?' without it (the built-in Helvetica has no Chinese)", async () => {
    const text = await pdfText(
      await renderCertificatePdf(certificate, { verifyUrl: 'https://r.example/v' }),
    );
    expect(text).not.toContain('李伟');
    expect(text).toContain('??');
  });
});
