/**
 * Renders a signed certificate as a one-page A4 PDF for the owner: every certificate field, the
 * signature with its key id, and a QR code that opens the public verification page.
 * The PDF is a human-readable copy; the signed JSON is what proves authenticity.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import QRCode from 'qrcode';
import type { CjkFont } from '../../config/cjk-font.js';
import { TECHNIQUE_LABELS } from './methods.js';
import type { CertificatePerson, SignedCertificate } from './certificate.js';

export interface CertificatePdfOptions {
  /** Public URL where anyone can verify this certificate; encoded in the QR code. */
  verifyUrl: string;
  /** Issuing organisation printed in the header. */
  issuer?: string;
  /**
   * A font with the glyphs of the data, e.g. a CJK font for Chinese names: a TrueType/OpenType
   * file (path or bytes) or, to parse it once for many PDFs, a font from openCjkFont. The
   * built-in Helvetica only covers Latin-1; other characters print as '?'.
   */
  font?: string | Buffer | CjkFont;
  /** Deflate content streams (default true); false keeps the text greppable for tests. */
  compress?: boolean;
  /**
   * The W3C Verifiable Credential this PDF prints (issue 24): the QR code then opens the
   * credential itself, which anyone checks offline (`reloop-verify`).
   */
  credential?: {
    url: string;
    issuer: string;
    verificationMethod: string;
    cryptosuite: string;
    proofValue: string;
    statusListCredential?: string;
  };
}

/** Printed across every certificate of a simulated run (issue 17). */
export const SIMULATED_BANNER = 'SIMULATED \u2014 no data was erased';

const DESTINATION_LABELS = {
  reuse: 'Reuse (resale)',
  recycle: 'Recycling',
  destroy: 'Destroyed',
} as const;

const formatBytes = (bytes: number | undefined) =>
  bytes === undefined ? '-' : `${(bytes / 1e9).toFixed(bytes >= 1e11 ? 0 : 1)} GB (${bytes} bytes)`;

function person(p: CertificatePerson): string {
  return [p.name, p.title, p.organisation, p.location].filter(Boolean).join(', ');
}

/** The rows printed on the certificate, in order; exported so tests can check completeness. */
export function certificateRows(
  signed: SignedCertificate,
): Array<[section: string, rows: Array<[string, string]>]> {
  const d = signed.document;
  const s = d.sanitization;
  return [
    [
      'Media information',
      [
        ['Manufacturer', d.media.manufacturer],
        ['Model', d.media.model],
        ['Serial number', d.media.serial],
        ['Media type', d.media.mediaType.toUpperCase()],
        ['Capacity', formatBytes(d.media.capacityBytes)],
        ['Media source (item trace code)', d.media.source.itemTraceCode],
      ],
    ],
    [
      'Sanitization details',
      [
        ['Sanitization level (NIST SP 800-88)', s.level],
        ['Technique', TECHNIQUE_LABELS[s.technique]],
        ['Method details', s.methodDescription],
        ...(s.passes !== undefined ? [['Passes', String(s.passes)] as [string, string]] : []),
        ...(s.policy ? [['Policy', s.policy] as [string, string]] : []),
        ['Tool and version', `${s.tool.name} ${s.tool.version}`],
        ['Verification method', `${s.verification.method} (${s.verification.outcome})`],
        ...(s.verification.sample
          ? [
              [
                'Station read-back sample',
                `${s.verification.sample.sampledBlocks} of ${s.verification.sample.deviceBlocks} blocks of ${s.verification.sample.blockBytes} bytes (first, last and ${(s.verification.sample.fraction * 100).toFixed(2)} % seeded random), ${s.verification.sample.mismatchedBlocks} not 0x${s.verification.sample.expectedByte}: ${s.verification.sample.outcome}; seed ${s.verification.sample.seed}`,
              ] as [string, string],
            ]
          : []),
        ['Started', s.startedAt],
        ['Completed', s.completedAt],
        ...(s.notes ? [['Notes', s.notes] as [string, string]] : []),
      ],
    ],
    [
      'People',
      [
        ['Sanitized by (operator)', person(d.operator)],
        ['Validated by (verifier)', person(d.verifier)],
      ],
    ],
    ['Post-sanitization destination', [['Destination', DESTINATION_LABELS[d.destination]]]],
  ];
}

/** Replaces characters the standard PDF fonts cannot encode (WinAnsi) when no font is given. */
function latin1Safe(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

export async function renderCertificatePdf(
  signed: SignedCertificate,
  options: CertificatePdfOptions,
): Promise<Buffer> {
  const d = signed.document;
  // Loaded on first use, not at boot: most processes never render one (issue 27, API memory).
  const { default: PDFDocument } = await import('pdfkit');
  const qr = await QRCode.toBuffer(options.credential?.url ?? options.verifyUrl, {
    errorCorrectionLevel: 'M',
    margin: 1,
    width: 300,
  });
  const digest = createHash('sha256')
    .update(canonicalize(d) ?? '')
    .digest('hex');

  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: {
      Title: `${d.simulated === true ? `${SIMULATED_BANNER}: ` : ''}Certificate of sanitization ${d.certificateId}`,
      Subject: `${d.sanitization.level} of ${d.media.mediaType} ${d.media.serial}`,
      Author: options.issuer ?? 'Reloop',
      // Fixed dates keep the output reproducible for the same certificate.
      CreationDate: new Date(d.issuedAt),
      ModDate: new Date(d.issuedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const regular = options.font ? 'data' : 'Helvetica';
  const bold = options.font ? 'data' : 'Helvetica-Bold';
  // pdfkit takes a parsed fontkit font as it takes a file (its typings only list files).
  if (options.font) doc.registerFont('data', options.font as PDFKit.Mixins.PDFFontSource);
  const t = options.font ? (s: string) => s : latin1Safe;

  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const qrSize = 110;

  // Header, with the QR code at the top right.
  doc.image(qr, left + width - qrSize, 40, { width: qrSize, height: qrSize });
  doc.font('Helvetica-Bold').fontSize(18);
  doc.text(
    d.kind === 'destruction'
      ? 'Certificate of Media Destruction'
      : 'Certificate of Media Sanitization',
    left,
    50,
    { width: width - qrSize - 10 },
  );
  doc.font('Helvetica').fontSize(9).fillColor('#444');
  doc.text('Per NIST SP 800-88 Rev.1, Appendix G', { width: width - qrSize - 10 });
  doc.moveDown(0.5);
  doc.fillColor('black').fontSize(10);
  doc.font('Helvetica-Bold').text(`Certificate ID: ${t(d.certificateId)}`);
  doc
    .font(regular)
    .text(`Issued: ${d.issuedAt}${options.issuer ? ` by ${t(options.issuer)}` : ''}`);
  doc.y = Math.max(doc.y, 40 + qrSize + 10);
  if (d.simulated === true) {
    // A simulated run erased nothing: say so where nobody can miss it.
    const y = doc.y + 4;
    doc.rect(left, y, width, 34).fillColor('#b00020').fill();
    doc
      .font('Helvetica-Bold')
      .fontSize(15)
      .fillColor('white')
      .text(SIMULATED_BANNER, left, y + 9, { width, align: 'center' });
    doc.fillColor('black');
    doc.y = y + 40;
  }

  /** A section title in blue, ruled underneath, `gap` lines below what came before. */
  const heading = (title: string, gap: number) => {
    doc.moveDown(gap);
    doc
      .font('Helvetica-Bold')
      .fontSize(11)
      .fillColor('#1a4d8f')
      .text(title, left, doc.y, { width });
    doc
      .moveTo(left, doc.y + 1)
      .lineTo(left + width, doc.y + 1)
      .strokeColor('#1a4d8f')
      .lineWidth(0.5)
      .stroke();
    doc.moveDown(0.3).fillColor('black');
  };

  const labelWidth = 190;
  for (const [section, rows] of certificateRows(signed)) {
    heading(section, 0.6);
    doc.fontSize(9.5);
    for (const [label, value] of rows) {
      const y = doc.y;
      doc.font('Helvetica').fillColor('#555').text(label, left, y, { width: labelWidth });
      const afterLabel = doc.y;
      doc
        .font(bold)
        .fillColor('black')
        .text(t(value), left + labelWidth, y, { width: width - labelWidth });
      doc.y = Math.max(afterLabel, doc.y) + 2;
    }
  }

  const vc = options.credential;
  if (vc) {
    heading('Verifiable Credential (W3C VC 2.0)', 0.8);
    doc.font(regular).fontSize(9);
    doc.text(`Issuer: ${t(vc.issuer)}`, left, doc.y, { width });
    doc.text(`Proof: Data Integrity, cryptosuite ${t(vc.cryptosuite)}`, { width });
    doc.text(`Verification method: ${t(vc.verificationMethod)}`, { width });
    if (vc.statusListCredential) {
      doc.text(`Revocation status: ${t(vc.statusListCredential)}`, { width });
    }
    doc.text('Proof value:', { width });
    doc.font('Courier').fontSize(8).text(vc.proofValue, { width });
    doc.moveDown(0.3).font(regular).fontSize(9);
    doc.text(`The credential (scan the QR code): ${t(vc.url)}`, {
      width,
      link: vc.url,
      underline: true,
    });
  }

  // Signature block.
  heading('Digital signature', 0.8);
  doc.font(regular).fontSize(9);
  doc.text(`Algorithm: ${signed.algorithm} over RFC 8785 canonical JSON`, left, doc.y, { width });
  doc.text(`Key ID: ${t(signed.keyId)}`, { width });
  doc.text(`Document SHA-256: ${digest}`, { width });
  doc.text('Signature (base64url):', { width });
  doc.font('Courier').fontSize(8).text(signed.signature, { width });
  doc.moveDown(0.5).font('Helvetica').fontSize(9);
  doc.text(`Verify this certificate: ${t(options.verifyUrl)}`, {
    width,
    link: options.verifyUrl,
    underline: true,
  });
  doc.moveDown(0.3).fontSize(8).fillColor('#555');
  doc.text(
    'This printout is a copy. The signed JSON certificate, checked against the published public key, is authoritative.',
    { width },
  );

  doc.end();
  return finished;
}
