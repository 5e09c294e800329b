import { join } from 'node:path';
import {
  BinaryBitmap,
  DecodeHintType,
  HybridBinarizer,
  QRCodeReader,
  RGBLuminanceSource,
} from '@zxing/library';

export interface PdfLabelPage {
  /** Page size in millimetres, rounded to 0.1 mm. */
  widthMm: number;
  heightMm: number;
  /** The text on the page (pdf.js extraction). */
  text: string;
  /** What the page's QR code decodes to (ZXing), or null when no image decodes. */
  qr: string | null;
}

const PT_TO_MM = 25.4 / 72;

// The label's QR code is a clean, upright image: read it as one (ZXing's finder-pattern search
// misses about one code in seventy on such synthetic images).
const PURE = new Map([[DecodeHintType.PURE_BARCODE, true]]);

/** Every page of a label PDF: its size, its text and its QR code decoded from the image. */
export async function readLabelPdf(pdf: Buffer): Promise<PdfLabelPage[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: join(process.cwd(), 'node_modules', 'pdfjs-dist', 'standard_fonts/'),
    verbosity: 0,
  }).promise;
  const pages: PdfLabelPage[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [x0, y0, x1, y1] = page.view;
    const text = (await page.getTextContent()).items
      .map((i) => ('str' in i ? i.str : ''))
      .join(' ');
    const ops = await page.getOperatorList();
    let qr: string | null = null;
    for (let i = 0; i < ops.fnArray.length && qr === null; i++) {
      if (ops.fnArray[i] !== pdfjs.OPS.paintImageXObject) continue;
      const name = (ops.argsArray[i] as [string])[0];
      const img = await new Promise<{
        width: number;
        height: number;
        kind: number;
        data: Uint8ClampedArray;
      }>((resolve) => page.objs.get(name, resolve));
      qr = decodeQr(img);
    }
    pages.push({
      widthMm: Math.round((x1 - x0) * PT_TO_MM * 10) / 10,
      heightMm: Math.round((y1 - y0) * PT_TO_MM * 10) / 10,
      text,
      qr,
    });
  }
  await doc.destroy();
  return pages;
}

/** ZXing on the image's pixels (pdf.js kinds: 1 one bit grey, 2 RGB, 3 RGBA). */
function decodeQr(img: { width: number; height: number; kind: number; data: Uint8ClampedArray }) {
  const { width, height, kind, data } = img;
  const lum = new Uint8ClampedArray(width * height);
  for (let p = 0; p < width * height; p++) {
    if (kind === 1) {
      const rowBytes = Math.ceil(width / 8);
      const x = p % width;
      const y = Math.floor(p / width);
      lum[p] = (data[y * rowBytes + (x >> 3)] >> (7 - (x & 7))) & 1 ? 255 : 0;
    } else {
      const c = kind === 3 ? 4 : 3;
      lum[p] = (data[p * c] + data[p * c + 1] + data[p * c + 2]) / 3;
    }
  }
  try {
    const bitmap = new BinaryBitmap(
      new HybridBinarizer(new RGBLuminanceSource(lum, width, height)),
    );
    return new QRCodeReader().decode(bitmap, PURE).getText();
  } catch {
    return null;
  }
}
