/**
 * Where photo bytes live. Keys are ours (`<yyyy>/<mm>/<uuid>.jpg`, `…-thumb.jpg`); the database
 * row says which key holds which photo. Two stores: a folder on this machine (the default, which
 * needs nothing) and any S3-compatible bucket (MinIO, Aliyun OSS, Tencent COS, AWS).
 */
export interface PhotoStore {
  readonly kind: 'local' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or null when the store has no such key. */
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
}

export const PHOTO_STORE = Symbol('PHOTO_STORE');

/** Keys the platform makes: no `..`, no leading slash, nothing a path could escape with. */
const KEY = /^[a-z0-9][a-z0-9/_-]{0,200}\.(jpg|jpeg|png|webp)$/;

export function assertKey(key: string): void {
  if (!KEY.test(key) || key.includes('//')) throw new Error(`Invalid photo store key ${key}`);
}
