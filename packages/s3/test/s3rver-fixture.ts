/**
 * A local S3 API server (s3rver) for one test file: 127.0.0.1, an ephemeral port, a fresh temp
 * directory, one bucket; stopped and removed by `stop()`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { createS3Client } from '../src/create-s3-client.js';

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
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  return {
    endpoint,
    bucket,
    client,
    async stop() {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
