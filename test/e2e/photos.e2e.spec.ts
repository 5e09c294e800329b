import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { RetentionService } from '../../src/core/retention/retention.service.js';
import { cameraJpeg, uploadPhoto } from '../support/photos.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const MAX_BYTES = 300_000;

describe('photos: upload, thumbnails, access, limits (local store)', () => {
  let t: TestApp;
  let dir: string;
  let grader: TestUser;
  let colleague: TestUser;
  let otherWarehouse: TestUser;
  let courier: TestUser;
  let customer: TestUser;
  let support: TestUser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reloop-photos-e2e-'));
    t = await createTestApp({ PHOTO_DIR: dir, PHOTO_MAX_BYTES: String(MAX_BYTES) });
    grader = await t.user('warehouse');
    colleague = await t.user('warehouse', { organisationId: grader.organisationId! });
    otherWarehouse = await t.user('warehouse');
    courier = await t.user('courier');
    customer = await t.user('customer');
    support = await t.user('support');
  });

  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores an upload upright, without EXIF, with a thumbnail, and records what it is', async () => {
    const upload = await cameraJpeg();
    expect((await sharp(upload).metadata()).exif).toBeDefined(); // the camera's EXIF is there

    const res = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .attach('file', upload, { filename: 'IMG_0001.jpg', contentType: 'image/jpeg' })
      .expect(201);
    expect(res.body).toMatchObject({
      purpose: 'inspection',
      contentType: 'image/jpeg',
      // Orientation 6 applied: the landscape pixels were a portrait photo.
      width: 800,
      height: 1200,
      thumbnail: { width: 213, height: 320 },
      public: false,
      uploadedBy: grader.id,
      organisationId: grader.organisationId,
    });
    expect(res.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    const id = res.body.id as string;

    const image = await t.http.get(`/api/v1/photos/${id}/image`).set(grader.auth).expect(200);
    expect(image.headers['content-type']).toBe('image/jpeg');
    const body = image.body as Buffer;
    expect(body.length).toBe(res.body.sizeBytes);
    const meta = await sharp(body).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.iptc).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(body.toString('latin1')).not.toContain('TestCam');
    expect(body.toString('latin1')).not.toContain('Zhang Wei');
    expect([meta.width, meta.height]).toEqual([800, 1200]);

    const thumb = await t.http.get(`/api/v1/photos/${id}/thumbnail`).set(grader.auth).expect(200);
    const thumbMeta = await sharp(thumb.body as Buffer).metadata();
    expect([thumbMeta.format, thumbMeta.width, thumbMeta.height]).toEqual(['jpeg', 213, 320]);
    expect(thumbMeta.exif).toBeUndefined();

    // Both objects are in the configured folder.
    const files = await readdir(dir, { recursive: true });
    expect(files.some((f) => f.endsWith(`${id}.jpg`))).toBe(true);
    expect(files.some((f) => f.endsWith(`${id}-thumb.jpg`))).toBe(true);
    const row = await t.dataSource.query('SELECT sha256, size_bytes FROM photos WHERE id = $1', [
      id,
    ]);
    expect(row[0].size_bytes).toBe(body.length);
  });

  it('is visible to its own warehouse, admin and support; another warehouse gets 404', async () => {
    const id = await uploadPhoto(t, grader, 'inspection');
    await t.http.get(`/api/v1/photos/${id}`).set(colleague.auth).expect(200);
    await t.http.get(`/api/v1/photos/${id}/thumbnail`).set(support.auth).expect(200);
    for (const who of [otherWarehouse, courier, customer]) {
      const res = await t.http.get(`/api/v1/photos/${id}`).set(who.auth).expect(404);
      expect(res.body.code).toBe('not_found');
      await t.http.get(`/api/v1/photos/${id}/image`).set(who.auth).expect(404);
      await t.http.get(`/api/v1/photos/${id}/thumbnail`).set(who.auth).expect(404);
    }
    // Not on a listing: not public either.
    await t.http.get(`/api/v1/market/photos/${id}/thumbnail`).expect(404);
    await t.http.get(`/api/v1/photos/${id}`).expect(401);
  });

  it('refuses a file over the limit with 413', async () => {
    // Noise does not compress: well over the 300 kB limit as a JPEG.
    const big = await sharp(
      Buffer.from(Array.from({ length: 900 * 900 * 3 }, () => (Math.random() * 256) | 0)),
      {
        raw: { width: 900, height: 900, channels: 3 },
      },
    )
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(big.length).toBeGreaterThan(MAX_BYTES);
    const res = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .attach('file', big, { filename: 'big.jpg', contentType: 'image/jpeg' })
      .expect(413);
    expect(res.body.code).toBe('too_large');
    expect((await t.dataSource.query('SELECT count(*)::int AS n FROM photos'))[0].n).toBe(2);
  });

  it('refuses what is not a photo with 415, and a form without a file with 400', async () => {
    const text = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .attach('file', Buffer.from('not a picture'), {
        filename: 'notes.txt',
        contentType: 'text/plain',
      })
      .expect(415);
    expect(text.body.code).toBe('unsupported_media_type');
    // Said to be a JPEG, but is not one: the bytes decide.
    const fake = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .attach('file', Buffer.from('%PDF-1.7 pretending'), {
        filename: 'x.jpg',
        contentType: 'image/jpeg',
      })
      .expect(415);
    expect(fake.body.code).toBe('unsupported_media_type');
    // A GIF is an image, but not a photo format accepted here.
    const gif = await sharp({
      create: { width: 8, height: 8, channels: 3, background: '#000' },
    })
      .gif()
      .toBuffer();
    await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .attach('file', gif, { filename: 'a.gif', contentType: 'image/gif' })
      .expect(415);
    // JSON instead of a multipart form.
    const json = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .send({ file: 'aGVsbG8=' })
      .expect(415);
    expect(json.body.code).toBe('unsupported_media_type');
    const noFile = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .field('note', 'no file here')
      .expect(400);
    expect(noFile.body.fields[0].field).toBe('file');
    // PNG and WebP are taken, and stored as JPEG.
    const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#f00a' } })
      .png()
      .toBuffer();
    const ok = await t.http
      .post('/api/v1/photos?purpose=inspection')
      .set(grader.auth)
      .attach('file', png, { filename: 'a.png', contentType: 'image/png' })
      .expect(201);
    expect([ok.body.contentType, ok.body.width, ok.body.height]).toEqual(['image/jpeg', 40, 30]);
  });

  it('takes a purpose the uploader works on; anything else is refused', async () => {
    await t.http
      .post('/api/v1/photos?purpose=listing')
      .set(grader.auth)
      .attach('file', await cameraJpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' })
      .expect(403);
    const bad = await t.http
      .post('/api/v1/photos?purpose=selfie')
      .set(grader.auth)
      .attach('file', await cameraJpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' })
      .expect(400);
    expect(bad.body.fields[0].field).toBe('purpose');
    // A courier without an organisation sees their own photo, and no one else's.
    const mine = await uploadPhoto(t, courier, 'pickup');
    await t.http.get(`/api/v1/photos/${mine}`).set(courier.auth).expect(200);
    const otherCourier = await t.user('courier');
    await t.http.get(`/api/v1/photos/${mine}`).set(otherCourier.auth).expect(404);
    // A customer uploads for their support case.
    await uploadPhoto(t, customer, 'case');
  });

  it('prunes uploads never attached once they are old, with their files; attached ones stay', async () => {
    const forgotten = await uploadPhoto(t, support, 'case');
    const kept = await uploadPhoto(t, support, 'case');
    const fresh = await uploadPhoto(t, support, 'case');
    const opened = await t.http
      .post('/api/v1/support/cases')
      .set(support.auth)
      .send({ kind: 'price-dispute', summary: 'Photos for retention' })
      .expect(201);
    await t.http
      .post(`/api/v1/support/cases/${opened.body.id as string}/photos`)
      .set(support.auth)
      .send({ photoIds: [kept] })
      .expect(200);
    await t.dataSource.query(
      `UPDATE photos SET created_at = now() - interval '8 days' WHERE id = ANY($1::uuid[])`,
      [[forgotten, kept]],
    );
    const report = await t.app.get(RetentionService).prune();
    expect(report.pruned.photos).toBeGreaterThanOrEqual(1);
    await t.http.get(`/api/v1/photos/${forgotten}`).set(support.auth).expect(404);
    await t.http.get(`/api/v1/photos/${kept}/image`).set(support.auth).expect(200);
    await t.http.get(`/api/v1/photos/${fresh}/image`).set(support.auth).expect(200);
    const files = await readdir(dir, { recursive: true });
    expect(files.some((f) => f.includes(forgotten))).toBe(false);
    expect(files.some((f) => f.includes(kept))).toBe(true);
  });
});
