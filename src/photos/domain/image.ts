/** Formats a phone or a desktop sends as a photo; anything else is a 415. */
export const ACCEPTED_FORMATS = ['jpeg', 'png', 'webp', 'heif'] as const;
/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;
/** The longest side a stored photo keeps (a 48-megapixel phone photo is scaled down). */
export const MAX_SIDE = 2560;
/** Decompression-bomb guard: images with more pixels than this are refused before decoding. */
const MAX_INPUT_PIXELS = 100_000_000;

export class UnsupportedImage extends Error {
  override name = 'UnsupportedImage';
}

export interface ProcessedImage {
  sourceFormat: string;
  data: Buffer;
  width: number;
  height: number;
  thumbnail: { data: Buffer; width: number; height: number };
}

/**
 * Decodes an upload, turns it upright (EXIF orientation), and re-encodes it as JPEG without any
 * metadata — no EXIF (GPS position, camera serial, owner name), no XMP, no IPTC — plus a
 * thumbnail. What the client said the type was does not matter: the bytes decide.
 */
export async function processImage(input: Buffer): Promise<ProcessedImage> {
  // Loaded on the first upload, not at boot (issue 27, API memory): libvips and its caches.
  const { default: sharp } = await import('sharp');
  let format: string | undefined;
  try {
    ({ format } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS }).metadata());
  } catch {
    throw new UnsupportedImage('The file is not an image this platform reads (JPEG, PNG, WebP)');
  }
  if (!format || !(ACCEPTED_FORMATS as readonly string[]).includes(format)) {
    throw new UnsupportedImage(
      `Images of type ${format ?? 'unknown'} are not accepted: send a JPEG, PNG or WebP photo`,
    );
  }
  try {
    const upright = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' });
    // sharp writes no metadata unless asked (withMetadata/keepExif): the output is clean.
    const { data, info } = await upright
      .clone()
      .jpeg({ quality: 88 })
      .toBuffer({ resolveWithObject: true });
    const thumb = await sharp(data)
      .resize({ width: THUMBNAIL_SIZE, height: THUMBNAIL_SIZE, fit: 'inside' })
      .jpeg({ quality: 78 })
      .toBuffer({ resolveWithObject: true });
    return {
      sourceFormat: format,
      data,
      width: info.width,
      height: info.height,
      thumbnail: { data: thumb.data, width: thumb.info.width, height: thumb.info.height },
    };
  } catch {
    throw new UnsupportedImage('The image is damaged or cannot be decoded');
  }
}
