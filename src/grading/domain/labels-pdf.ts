/**
 * Trace-code labels for a thermal label printer: one label per page at the roll's size, a QR
 * code with the trace code (what the scanners read) and the code, category and model in text.
 * Chinese names print with the CJK font the certificates use (CERTIFICATE_FONT).
 */
import QRCode from 'qrcode';
import type { CjkFont } from '../../config/cjk-font.js';

/** Label roll sizes, width × height in millimetres. */
export const LABEL_SIZES = {
  '50x30': { widthMm: 50, heightMm: 30 },
  '40x30': { widthMm: 40, heightMm: 30 },
  '60x40': { widthMm: 60, heightMm: 40 },
} as const;
export type LabelSize = keyof typeof LABEL_SIZES;
export const DEFAULT_LABEL_SIZE: LabelSize = '50x30';

export interface TraceLabel {
  traceCode: string;
  /** Category or model, e.g. "iPhone 15 Pro · 智能手机". */
  title: string;
  /** A second line, e.g. the date received. */
  detail?: string;
}

const MM = 72 / 25.4;
export const mmToPt = (mm: number) => mm * MM;

/** Characters Helvetica cannot encode, when no CJK font is available. */
const latin1Safe = (s: string) => s.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, '?');

export async function renderLabelsPdf(
  labels: readonly TraceLabel[],
  options: { size?: LabelSize; font?: CjkFont; compress?: boolean } = {},
): Promise<Buffer> {
  const { widthMm, heightMm } = LABEL_SIZES[options.size ?? DEFAULT_LABEL_SIZE];
  const width = mmToPt(widthMm);
  const height = mmToPt(heightMm);
  const margin = mmToPt(2);
  // Loaded on first use, not at boot: most processes never render one (issue 27, API memory).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({
    size: [width, height],
    margin: 0,
    autoFirstPage: false,
    compress: options.compress ?? true,
    info: { Title: 'Reloop trace-code labels', Creator: 'Reloop' },
  });
  if (options.font)
    doc.registerFont('label', options.font as unknown as PDFKit.Mixins.PDFFontSource);
  const textFont = options.font ? 'label' : 'Helvetica';
  const t = options.font ? (s: string) => s : latin1Safe;
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const qrSize = height - 2 * margin;
  const textLeft = margin + qrSize + mmToPt(1.5);
  const textWidth = width - textLeft - margin;
  for (const label of labels) {
    doc.addPage({ size: [width, height], margin: 0 });
    // Error correction M and a 2-module quiet zone: reads off a curved parcel at arm's length.
    const qr = await QRCode.toBuffer(label.traceCode, {
      errorCorrectionLevel: 'M',
      margin: 2,
      scale: 8,
      type: 'png',
    });
    doc.image(qr, margin, margin, { width: qrSize, height: qrSize });
    // The code itself, large enough to type when a scanner fails; then what the item is.
    // Shrunk to fit one line when the code is long.
    doc.font('Helvetica-Bold').fontSize(10);
    const codeSize = Math.min(
      heightMm >= 40 ? 12 : 9,
      (10 * textWidth) / doc.widthOfString(label.traceCode),
    );
    doc.fontSize(codeSize).text(label.traceCode, textLeft, margin + mmToPt(1), {
      width: textWidth,
      lineBreak: false,
    });
    doc
      .font(textFont)
      .fontSize(heightMm >= 40 ? 8 : 6.5)
      .text(t(label.title), textLeft, doc.y + mmToPt(1), {
        width: textWidth,
        height: qrSize / 2,
        ellipsis: true,
      });
    if (label.detail) {
      doc
        .font(textFont)
        .fontSize(6)
        .fillColor('#333')
        .text(t(label.detail), textLeft, height - margin - mmToPt(3), {
          width: textWidth,
          lineBreak: false,
          ellipsis: true,
        })
        .fillColor('black');
    }
  }
  doc.end();
  return done;
}
