import sharp from 'sharp';
import type { TestApp, TestUser } from './test-app.js';

/**
 * A camera-like JPEG: landscape pixels with EXIF orientation 6 (the camera was held upright),
 * the make of the camera, an owner's name and a GPS position — everything the platform must not
 * keep.
 */
export async function cameraJpeg(
  opts: { width?: number; height?: number; colour?: string } = {},
): Promise<Buffer> {
  return sharp({
    create: {
      width: opts.width ?? 1200,
      height: opts.height ?? 800,
      channels: 3,
      background: opts.colour ?? '#3a7',
    },
  })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'TestCam', Copyright: 'Zhang Wei' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '31/1 14/1 0/1' },
    })
    .toBuffer();
}

/** Uploads a photo for this purpose and returns its id (expects a 201). */
export async function uploadPhoto(
  t: TestApp,
  user: TestUser,
  purpose: 'inspection' | 'pickup' | 'listing' | 'case',
  bytes?: Buffer,
): Promise<string> {
  const res = await t.http
    .post(`/api/v1/photos?purpose=${purpose}`)
    .set(user.auth)
    .attach('file', bytes ?? (await cameraJpeg()), {
      filename: 'photo.jpg',
      contentType: 'image/jpeg',
    });
  if (res.status !== 201) {
    throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return (res.body as { id: string }).id;
}
