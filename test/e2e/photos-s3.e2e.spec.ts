import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { S3PhotoStore } from '../../src/photos/data/s3-photo-store.js';
import { cameraJpeg } from '../support/photos.js';
import { startS3Server, type S3TestServer } from '../support/s3-server.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

describe('photos in an S3-compatible store (a real S3-protocol server)', () => {
  let s3: S3TestServer;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3Server();
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
  });

  it('puts, gets, misses and deletes objects', async () => {
    const store = new S3PhotoStore({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: s3.bucket,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    });
    try {
      const bytes = Buffer.from('some jpeg bytes');
      await store.put('2026/12/a-thumb.jpg', bytes, 'image/jpeg');
      expect(await store.get('2026/12/a-thumb.jpg')).toEqual(bytes);
      const head = await client.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: '2026/12/a-thumb.jpg' }),
      );
      expect(head.ContentType).toBe('image/jpeg');
      expect(await store.get('2026/12/missing.jpg')).toBeNull();
      await store.delete('2026/12/a-thumb.jpg');
      expect(await store.get('2026/12/a-thumb.jpg')).toBeNull();
      // Keys are the platform's own: nothing that could walk out of a folder.
      await expect(store.put('../etc/passwd.jpg', bytes, 'image/jpeg')).rejects.toThrow(
        /Invalid photo store key/,
      );
    } finally {
      store.destroy();
    }
    // A bucket that is not there is an error, not a silent loss.
    const wrong = new S3PhotoStore({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      bucket: 'no-such-bucket',
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
    });
    await expect(wrong.put('2026/12/b.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toThrow(
      /bucket/i,
    );
    wrong.destroy();
  });

  describe('the platform with PHOTO_STORE=s3', () => {
    let t: TestApp;
    let grader: TestUser;

    beforeAll(async () => {
      t = await createTestApp({
        PHOTO_STORE: 's3',
        PHOTO_S3_ENDPOINT: s3.endpoint,
        PHOTO_S3_BUCKET: s3.bucket,
        PHOTO_S3_ACCESS_KEY_ID: s3.accessKeyId,
        PHOTO_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        PHOTO_S3_FORCE_PATH_STYLE: 'true',
      });
      grader = await t.user('warehouse');
    });

    afterAll(async () => {
      await t?.close();
    });

    it('keeps an upload and its thumbnail in the bucket and serves them back', async () => {
      const res = await t.http
        .post('/api/v1/photos?purpose=inspection')
        .set(grader.auth)
        .attach('file', await cameraJpeg(), { filename: 'a.jpg', contentType: 'image/jpeg' })
        .expect(201);
      const id = res.body.id as string;
      const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
      const keys = (listed.Contents ?? []).map((o) => o.Key);
      expect(keys.filter((k) => k?.includes(id)).sort()).toEqual([
        expect.stringMatching(new RegExp(`^\\d{4}/\\d{2}/${id}-thumb\\.jpg$`)),
        expect.stringMatching(new RegExp(`^\\d{4}/\\d{2}/${id}\\.jpg$`)),
      ]);
      const thumb = await t.http.get(`/api/v1/photos/${id}/thumbnail`).set(grader.auth).expect(200);
      const meta = await sharp(thumb.body as Buffer).metadata();
      expect([meta.format, meta.width, meta.height, meta.exif]).toEqual([
        'jpeg',
        213,
        320,
        undefined,
      ]);
      const image = await t.http.get(`/api/v1/photos/${id}/image`).set(grader.auth).expect(200);
      expect((image.body as Buffer).length).toBe(res.body.sizeBytes);
    });
  });
});
