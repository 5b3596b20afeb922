/**
 * The destination of a migration: an S3Storage over a client configured from the options and the
 * standard AWS environment variables, after a HeadBucket that turns the usual set-up mistakes
 * (missing bucket, refused or absent credentials, unreachable endpoint) into clear usage errors.
 */
import { S3Storage, createS3Client, describeS3Error, s3FailureKind } from '@sendoff/s3';
import { UsageError } from '../../io.js';
import type { S3Url } from './parse-s3-url.js';
import { S3UploadTarget, SINGLE_PART_LIMIT } from './s3-upload-target.js';

export interface S3TargetOptions {
  url: S3Url;
  endpoint?: string;
  region?: string;
  env?: NodeJS.ProcessEnv;
  /** Parts uploaded in parallel per large file. */
  queueSize?: number;
}

export interface S3Target {
  uploads: S3UploadTarget;
  /** Releases the client's connections. */
  close(): void;
}

export async function openS3Target(options: S3TargetOptions): Promise<S3Target> {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined) checkEndpoint(endpoint);
  const client = createS3Client({
    region: options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    // Every object is read back and hashed, so the SDK's own checksums add nothing, and several
    // S3-compatible servers store their aws-chunked framing as content.
    checksums: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  const storage = new S3Storage({
    client,
    bucket: options.url.bucket,
    prefix: options.url.prefix,
    partSizeBytes: SINGLE_PART_LIMIT,
    queueSize: options.queueSize ?? 2,
  });
  try {
    await storage.checkBucket();
  } catch (error) {
    client.destroy();
    throw bucketProblem(error, options.url.bucket, endpoint);
  }
  return { uploads: new S3UploadTarget(storage), close: () => client.destroy() };
}

function bucketProblem(error: unknown, bucket: string, endpoint: string | undefined): Error {
  switch (s3FailureKind(error)) {
    case 'missing-credentials':
      return new UsageError('no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY', { cause: error });
    case 'missing-bucket':
      return new UsageError(`bucket ${bucket} does not exist`, { cause: error });
    case 'refused':
      return new UsageError(
        `access to bucket ${bucket} refused (${describeS3Error(error)}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
        { cause: error },
      );
    default:
      return new UsageError(`cannot reach bucket ${bucket} at ${endpoint ?? 'AWS S3'}: ${describeS3Error(error)}`, { cause: error });
  }
}

function checkEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as http://127.0.0.1:9000, got ${JSON.stringify(endpoint)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint must be an http or https URL, got ${JSON.stringify(endpoint)}`);
  }
}
