/**
 * Reading what the AWS SDK throws. For a download, it maps into the sendoff error family: a
 * missing object is a 404 a client may see; everything else (network, time-outs, throttling, 5xx,
 * access denied, a missing bucket) is the deployment's problem: a 503 or 502 whose message says
 * nothing internal, with the SDK error kept as `cause` for the logs. For a tool that talks to a
 * bucket (a migration), it tells the failures that doom every further request (no credentials, a
 * missing bucket, refused access) and describes an error in one line.
 */
import { SendoffError, isSendoffError, notFound } from '@sendoff/core';

const MISSING_OBJECT = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);

/** Errors worth retrying later: the storage is (hopefully briefly) out of reach. */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'ThrottlingException',
  'Throttling',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ECONNABORTED',
]);

/** Errors that refuse our credentials or our access. */
const REFUSED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * What a failure means for every further request to the bucket: `missing-credentials` (none could
 * be loaded), `missing-bucket`, `refused` (credentials or access refused), or `other` (this
 * request failed; another may succeed).
 */
export type S3FailureKind = 'missing-credentials' | 'missing-bucket' | 'refused' | 'other';

/** The SendoffError to throw for an error raised while talking to S3 about an object. */
export function toSendoffError(error: unknown): SendoffError {
  if (!isSendoffError(error) && isMissingObject(error)) return notFound(error);
  return toBucketError(error);
}

/** The same for a request about the bucket itself: there a 404 is a missing bucket, the deployment's problem. */
export function toBucketError(error: unknown): SendoffError {
  if (isSendoffError(error)) return error;
  if (isTransient(error)) {
    return new SendoffError('STORAGE_UNAVAILABLE', 'storage unavailable', { cause: error, expose: false });
  }
  return new SendoffError('STORAGE_ERROR', 'storage error', { cause: error, expose: false });
}

/** Whether S3 said the object is not there (and not that the bucket is missing). */
export function isMissingObject(error: unknown): boolean {
  const shape = sdkShape(error);
  if (shape.name !== undefined && MISSING_OBJECT.has(shape.name)) return true;
  // HeadObject has no body, so a 404 there carries no error code at all.
  return shape.$metadata?.httpStatusCode === 404 && shape.name !== 'NoSuchBucket';
}

/** Whether the failure is the storage being out of reach rather than refusing us. */
export function isTransient(error: unknown): boolean {
  const shape = sdkShape(error);
  if (shape.name !== undefined && TRANSIENT_NAMES.has(shape.name)) return true;
  if (hasNetworkCode(error)) return true;
  const status = shape.$metadata?.httpStatusCode;
  return status !== undefined && (status >= 500 || status === 429);
}

function hasNetworkCode(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as SdkErrorShape).code;
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    if (current instanceof AggregateError && current.errors.some((inner) => hasNetworkCode(inner))) return true;
    current = current.cause;
  }
  return false;
}

function sdkShape(error: unknown): SdkErrorShape {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};
}

/** What `error` (an SDK error, or the SendoffError a storage wrapped one in) means for the bucket. */
export function s3FailureKind(error: unknown): S3FailureKind {
  const cause = rootCause(error);
  if (cause.name === 'CredentialsProviderError') return 'missing-credentials';
  if (cause.name === 'NoSuchBucket' || (cause.name === 'NotFound' && statusOf(error) === 404)) return 'missing-bucket';
  if ((cause.name !== undefined && REFUSED.has(cause.name)) || statusOf(error) === 403) return 'refused';
  return 'other';
}

/** A one-line reason: the SDK's error name and HTTP status, and its message when it says more. */
export function describeS3Error(error: unknown): string {
  const cause = rootCause(error);
  const status = statusOf(error);
  const parts = [cause.name ?? cause.code ?? 'Error'];
  if (status !== undefined) parts.push(`(HTTP ${status})`);
  const message = cause.message?.trim();
  if (message !== undefined && message !== '' && message !== cause.name && !/^UnknownError$/.test(message)) parts.push(`: ${message}`);
  return parts.join(' ').replace(' :', ':');
}

/** The error the SDK raised, under the SendoffError a storage wraps it in. */
function rootCause(error: unknown): SdkErrorShape {
  let current: unknown = error;
  while (isSendoffError(current) && current.cause !== undefined) current = current.cause;
  return typeof current === 'object' && current !== null ? (current as SdkErrorShape) : { message: String(current) };
}

function statusOf(error: unknown): number | undefined {
  return rootCause(error).$metadata?.httpStatusCode;
}
