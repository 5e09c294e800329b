import QRCode from 'qrcode';

/** The printable code, grouped for reading aloud: 5 + 5 symbols. */
export function readableCode(traceCode: string): string {
  return `${traceCode.slice(0, 5)}-${traceCode.slice(5)}`;
}

/**
 * An SVG label: the QR code of the passport URL and the trace code printed under it, so the
 * code can be typed when the QR code cannot be scanned (error correction Q survives scuffs).
 */
export function labelSvg(url: string, traceCode: string): string {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'Q' });
  const size = qr.modules.size;
  const margin = 4;
  const unit = 4;
  const width = (size + margin * 2) * unit;
  const textHeight = 28;
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.modules.get(row, col)) {
        path += `M${(col + margin) * unit} ${(row + margin) * unit}h${unit}v${unit}h-${unit}z`;
      }
    }
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${width + textHeight}" viewBox="0 0 ${width} ${width + textHeight}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<path d="${path}" fill="#000"/>`,
    `<text x="${width / 2}" y="${width + textHeight / 2}" font-family="monospace" font-size="18" text-anchor="middle">${readableCode(traceCode)}</text>`,
    `</svg>`,
  ].join('');
}

export function labelPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'Q', margin: 4, scale: 8 });
}
