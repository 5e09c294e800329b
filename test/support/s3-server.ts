import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver: signatures, buckets, objects on disk) on a throwaway port in
 * 45000-45999 and a temporary folder, with one bucket. Stopped and removed by `stop()`.
 */
export async function startS3Server(bucket = 'reloop-photos'): Promise<S3TestServer> {
  const directory = await mkdtemp(join(tmpdir(), 'reloop-s3-'));
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 45000 + Math.floor(Math.random() * 1000);
    const server = new S3rver({
      address: '127.0.0.1',
      port,
      silent: true,
      directory,
      configureBuckets: [{ name: bucket }],
    });
    try {
      await server.run();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return {
      endpoint: `http://127.0.0.1:${port}`,
      bucket,
      // s3rver's built-in account: it checks request signatures made with these.
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      stop: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  }
  throw new Error('No free port for the S3 test server in 45000-45999');
}
