import type { S3Client } from '@aws-sdk/client-s3';
import type { PhotoS3Config } from '../../config/app-config.js';
import { assertKey, type PhotoStore } from './photo-store.js';

/**
 * Photos in an S3-compatible bucket (PHOTO_STORE=s3). Endpoint, region, bucket, keys and path
 * style come from PHOTO_S3_*; the bucket must exist. Checksums only where the protocol requires
 * them: the SDK's newer default (CRC32 on every upload) is refused by several S3-compatible stores.
 */
export class S3PhotoStore implements PhotoStore {
  readonly kind = 's3' as const;
  // The SDK is loaded when this store is made (PHOTO_STORE=s3), not by every process at boot.
  private readonly s3: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); client: S3Client }>;

  constructor(private readonly config: PhotoS3Config) {
    this.s3 = import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        ...(config.endpoint ? { endpoint: config.endpoint } : {}),
        region: config.region,
        forcePathStyle: config.forcePathStyle,
        credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 3,
      }),
    }));
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertKey(key);
    const { sdk, client } = await this.s3;
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        ContentLength: body.length,
      }),
    );
  }

  async get(key: string): Promise<Buffer | null> {
    assertKey(key);
    const { sdk, client } = await this.s3;
    try {
      const out = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.config.bucket, Key: key }),
      );
      if (!out.Body) return null;
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof sdk.NoSuchKey) return null;
      if (err instanceof sdk.S3ServiceException && err.$metadata.httpStatusCode === 404)
        return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    const { sdk, client } = await this.s3;
    await client.send(new sdk.DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  destroy(): void {
    void this.s3.then(({ client }) => client.destroy());
  }
}
