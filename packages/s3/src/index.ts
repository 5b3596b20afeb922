// @sendoff/s3: a Storage over one S3 bucket, and the s3Redirect strategy (presigned redirects).
// A local S3 API server for development and tests is under `@sendoff/s3/local`.
export { S3Storage } from './s3-storage.js';
export type { S3StorageOptions } from './s3-storage.js';
export { createS3Client } from './create-s3-client.js';
export type { S3ClientOptions, ChecksumMode } from './create-s3-client.js';
export { s3Redirect } from './s3-redirect.js';
export type {
  S3RedirectOptions,
  S3RedirectWithClient,
  S3RedirectWithCredentials,
  S3RedirectStrategy,
  RedirectStatus,
} from './s3-redirect.js';
export { toSendoffError as s3ErrorToSendoffError, s3FailureKind, describeS3Error } from './s3-errors.js';
export type { S3FailureKind } from './s3-errors.js';
