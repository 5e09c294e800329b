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
  private readonly sdk = import('@aws-sdk/client-s3');
  private readonly client: Promise<S3Client>;

  constructor(private readonly config: PhotoS3Config) {
    this.client = this.sdk.then(
      ({ S3Client }) =>
        new S3Client({
          ...(config.endpoint ? { endpoint: config.endpoint } : {}),
          region: config.region,
          forcePathStyle: config.forcePathStyle,
          credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
          maxAttempts: 3,
        }),
    );
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertKey(key);
    const { PutObjectCommand } = await this.sdk;
    await (
      await this.client
    ).send(
      new PutObjectCommand({
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
    const { GetObjectCommand, NoSuchKey, S3ServiceException } = await this.sdk;
    try {
      const out = await (
        await this.client
      ).send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      if (!out.Body) return null;
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      if (err instanceof NoSuchKey) return null;
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    const { DeleteObjectCommand } = await this.sdk;
    await (
      await this.client
    ).send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
  }

  destroy(): void {
    void this.client.then((c) => c.destroy());
  }
}
