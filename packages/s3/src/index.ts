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
export { ObjectUrlSigner } from './object-url-signer.js';
export type { SignObjectUrlInput } from './object-url-signer.js';
export { SigV4QuerySigner } from './sigv4-query-signer.js';
export type { QuerySigningInput, SigningCredentials } from './sigv4-query-signer.js';
export { signingWindowFor, cacheControlFor, checkLifetimeSettings, MAX_PRESIGNED_SECONDS } from './redirect-lifetime.js';
export type { LifetimeSettings, SigningWindow } from './redirect-lifetime.js';
export { toSendoffError as s3ErrorToSendoffError, isMissingObject, isTransient } from './s3-errors.js';
