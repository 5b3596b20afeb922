/**
 * An `S3Client` set up for delivery: safe checksum behaviour on S3-compatible endpoints (MinIO,
 * s3rver, Ceph, R2…), which often store the SDK's aws-chunked framing as object content or reject
 * the trailing checksums the SDK now sends by default, and time limits (the SDK's own default is
 * to wait for ever, so a silent endpoint would hang every download).
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export type ChecksumMode = 'WHEN_REQUIRED' | 'WHEN_SUPPORTED';

export interface S3ClientOptions {
  /** A custom endpoint (S3-compatible server). Unset means AWS S3 itself. */
  endpoint?: string;
  /** Defaults to `AWS_REGION` from the environment, else `us-east-1`. */
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`); most S3-compatible servers need it. */
  forcePathStyle?: boolean;
  credentials?: S3ClientConfig['credentials'];
  /**
   * Checksum behaviour for requests and responses. Defaults to `WHEN_REQUIRED` with a custom
   * `endpoint` and to the SDK's own default (`WHEN_SUPPORTED`) against AWS.
   */
  checksums?: ChecksumMode;
  /** Abandon a connection attempt after this many milliseconds (default 5,000). */
  connectionTimeoutMs?: number;
  /** Abandon a request whose socket stays silent this many milliseconds (default 30,000). */
  requestTimeoutMs?: number;
  /** Attempts per request, retries included (the SDK's default is 3). */
  maxAttempts?: number;
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const checksums = checksumModeFor(options);
  const config: S3ClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(checksums === undefined ? {} : { requestChecksumCalculation: checksums, responseChecksumValidation: checksums }),
  };
  config.requestHandler = {
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  };
  return new S3Client(config);
}

/** The checksum mode to set, or undefined to keep the SDK default. */
function checksumModeFor(options: S3ClientOptions): ChecksumMode | undefined {
  if (options.checksums !== undefined) return options.checksums;
  return options.endpoint === undefined ? undefined : 'WHEN_REQUIRED';
}
