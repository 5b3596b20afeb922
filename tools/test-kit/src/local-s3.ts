/**
 * A local S3 API server (s3rver) for one test file: 127.0.0.1, an ephemeral port, a fresh temp
 * directory, one bucket; stopped and removed by `stop()`. And its opposite, a client of an S3
 * endpoint nothing answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@sendoff/s3';
import { startLocalS3Server } from '@sendoff/s3/local';
import { findFreePort } from '@sendoff-tools/web-servers';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
export const REGION = 'us-east-1';

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  client: S3Client;
  stop(): Promise<void>;
}

export async function startLocalS3(bucket = 'sendoff-test'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'sendoff-s3-'));
  const server = await startLocalS3Server({ directory, buckets: [bucket] });
  const client = server.createClient();
  return {
    endpoint: server.endpoint,
    bucket,
    client,
    async stop() {
      client.destroy();
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A client of an endpoint on 127.0.0.1 where nothing listens (a port bound, then released); destroy it after use. */
export async function unreachableS3Client(maxAttempts: number): Promise<S3Client> {
  const endpoint = `http://127.0.0.1:${await findFreePort()}`;
  return createS3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS, maxAttempts });
}

