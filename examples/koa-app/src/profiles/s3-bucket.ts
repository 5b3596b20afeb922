/**
 * The S3 side of a deployment, read from the environment: the bucket, an S3Storage over it and the
 * s3Redirect strategy that hands its objects to browsers. Shared by the `s3` and `migrating`
 * profiles, so both read the same settings the same way.
 *
 * Where the bucket is:
 * - S3_ENDPOINT set: an S3-compatible server (MinIO, Ceph, R2…), path-style unless
 *   S3_FORCE_PATH_STYLE=false; credentials from the usual AWS variables.
 * - S3_BUCKET set, S3_ENDPOINT unset: AWS S3 (region from S3_REGION or AWS_REGION, else us-east-1).
 * - neither: a local s3rver started with the app, objects under DATA_DIR/s3 (development).
 *
 * Other settings: S3_PREFIX (key prefix), S3_PUBLIC_BASE_URL (browser-facing base of the
 * objects), S3_EXPIRES_IN (URL life, default 300 s), S3_SIGNING_WINDOW (signing-time window,
 * default 60 s, 0 for off).
 */
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { S3Storage, createS3Client, s3Redirect, type S3RedirectStrategy } from '@sendoff/s3';
import { startLocalS3Server } from '@sendoff/s3/local';
import type { ProfileContext } from './profile.js';

type Env = ProfileContext['env'];

/** An opened bucket: its storage, the redirect strategy for its objects, and what to release. */
export interface S3Bucket {
  storage: S3Storage;
  redirect: S3RedirectStrategy;
  /** Stops what was started for it (a local S3 server); undefined for a remote bucket. */
  close?(): Promise<void>;
  /** What to tell the person starting the app (e.g. that a local S3 server was started). */
  notes: string[];
}

interface BucketClient {
  client: S3Client;
  bucket: string;
  close?(): Promise<void>;
  notes?: string[];
}

/** The bucket name used when S3_BUCKET is unset (local s3rver, or an endpoint without a bucket). */
export const LOCAL_BUCKET = 'sendoff-example';

/** Opens the bucket the environment describes (starting a local s3rver when it names none). */
export async function openS3Bucket({ dataDir, env }: ProfileContext): Promise<S3Bucket> {
  const { client, bucket, close, notes = [] } = await bucketClientFrom(env, dataDir);
  try {
    const storage = new S3Storage({ client, bucket, ...(env['S3_PREFIX'] ? { prefix: env['S3_PREFIX'] } : {}) });
    const redirect = s3Redirect({
      client,
      bucket,
      expiresIn: secondsFrom(env, 'S3_EXPIRES_IN', 300),
      signingBucketSeconds: secondsFrom(env, 'S3_SIGNING_WINDOW', 60),
      ...(env['S3_PUBLIC_BASE_URL'] ? { publicBaseUrl: env['S3_PUBLIC_BASE_URL'] } : {}),
    });
    return { storage, redirect, notes, ...(close ? { close } : {}) };
  } catch (error) {
    await close?.();
    throw error;
  }
}

async function bucketClientFrom(env: Env, dataDir: string): Promise<BucketClient> {
  const endpoint = env['S3_ENDPOINT'];
  const bucket = env['S3_BUCKET'];
  const region = env['S3_REGION'] ?? env['AWS_REGION'];
  const credentials = credentialsFrom(env);
  const common = { ...(region ? { region } : {}), ...(credentials ? { credentials } : {}) };
  if (endpoint) {
    const client = createS3Client({ endpoint, forcePathStyle: env['S3_FORCE_PATH_STYLE'] !== 'false', ...common });
    return { client, bucket: bucket ?? LOCAL_BUCKET };
  }
  if (bucket) return { client: createS3Client(common), bucket };
  return localBucket(dataDir);
}

/**
 * The AWS key pair from the app's environment when it has one; otherwise undefined, and the SDK
 * looks for credentials itself (process environment, profiles, instance roles).
 */
function credentialsFrom(env: Env): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env['AWS_SESSION_TOKEN'];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** A local s3rver, stopped with the app. */
async function localBucket(dataDir: string): Promise<BucketClient> {
  const directory = path.join(dataDir, 's3');
  const server = await startLocalS3Server({ directory, buckets: [LOCAL_BUCKET] });
  const client = server.createClient();
  return {
    client,
    bucket: LOCAL_BUCKET,
    notes: [`no S3_ENDPOINT or S3_BUCKET: started a local S3 API server (s3rver) at ${server.endpoint}, bucket "${LOCAL_BUCKET}", objects under ${directory}`],
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
