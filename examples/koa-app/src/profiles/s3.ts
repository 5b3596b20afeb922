/**
 * S3: files in a bucket, delivered by redirecting the browser to a presigned URL (s3Redirect),
 * or streamed through the app (directStream, "proxy mode") with S3_DELIVERY=proxy.
 *
 * Where the bucket is:
 * - S3_ENDPOINT set: an S3-compatible server (MinIO, Ceph, R2…), path-style unless
 *   S3_FORCE_PATH_STYLE=false; credentials from the usual AWS variables.
 * - S3_BUCKET set, S3_ENDPOINT unset: AWS S3 (region from S3_REGION or AWS_REGION).
 * - neither: a local s3rver started with the app, objects under DATA_DIR/s3 (development).
 *
 * Other settings: S3_PREFIX (key prefix), S3_PUBLIC_BASE_URL (browser-facing base of the
 * objects), S3_EXPIRES_IN (URL life, default 300 s), S3_SIGNING_WINDOW (signing-time window,
 * default 60 s, 0 for off).
 */
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { directStream } from '@sendoff/core';
import { S3Storage, createS3Client, s3Redirect } from '@sendoff/s3';
import { startLocalS3Server } from '@sendoff/s3/local';
import type { Profile } from './profile.js';

type Env = Readonly<Record<string, string | undefined>>;

interface Bucket {
  client: S3Client;
  bucket: string;
  /** Stops what the profile started (a local S3 server); undefined for a remote bucket. */
  close?(): Promise<void>;
}

const LOCAL_BUCKET = 'sendoff-example';

export const s3: Profile = {
  name: 's3',
  description: 'files in S3 (a local s3rver unless S3_ENDPOINT/S3_BUCKET say otherwise), presigned redirects (s3Redirect)',
  async createDelivery({ dataDir, env }) {
    const { client, bucket, close } = await bucketFrom(env, dataDir);
    const storage = new S3Storage({ client, bucket, ...(env['S3_PREFIX'] ? { prefix: env['S3_PREFIX'] } : {}) });
    const redirect = s3Redirect({
      client,
      bucket,
      expiresIn: secondsFrom(env, 'S3_EXPIRES_IN', 300),
      signingBucketSeconds: secondsFrom(env, 'S3_SIGNING_WINDOW', 60),
      ...(env['S3_PUBLIC_BASE_URL'] ? { publicBaseUrl: env['S3_PUBLIC_BASE_URL'] } : {}),
    });
    const proxy = directStream();
    const rules = env['S3_DELIVERY'] === 'proxy' ? [] : [{ name: 'redirect to S3', use: redirect.name, location: 's3' as const }];
    return {
      config: {
        environment: 'production',
        storage,
        strategies: [redirect, proxy],
        policy: { rules, fallback: proxy.name },
      },
      ...(close ? { close } : {}),
    };
  },
};

async function bucketFrom(env: Env, dataDir: string): Promise<Bucket> {
  const endpoint = env['S3_ENDPOINT'];
  const bucket = env['S3_BUCKET'];
  const region = env['S3_REGION'] ?? env['AWS_REGION'];
  if (endpoint) {
    const client = createS3Client({ endpoint, forcePathStyle: env['S3_FORCE_PATH_STYLE'] !== 'false', ...(region ? { region } : {}) });
    return { client, bucket: bucket ?? LOCAL_BUCKET };
  }
  if (bucket) return { client: createS3Client(region ? { region } : {}), bucket };
  return localBucket(dataDir);
}

/** A local s3rver, stopped with the app. */
async function localBucket(dataDir: string): Promise<Bucket> {
  const server = await startLocalS3Server({ directory: path.join(dataDir, 's3'), buckets: [LOCAL_BUCKET] });
  const client = server.createClient();
  return {
    client,
    bucket: LOCAL_BUCKET,
    async close() {
      client.destroy();
      await server.stop();
    },
  };
}

function secondsFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number of seconds, got "${raw}"`);
  return value;
}
