/**
 * Maps whatever the AWS SDK throws into the sendoff error family: a missing object is a 404 a
 * client may see; everything else (network, time-outs, throttling, 5xx, access denied, a missing
 * bucket) is the deployment's problem: a 503 or 502 whose message says nothing internal, with the
 * SDK error kept as `cause` for the logs.
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

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The SendoffError to throw for an error raised while talking to S3. */
export function toSendoffError(error: unknown): SendoffError {
  if (isSendoffError(error)) return error;
  if (isMissingObject(error)) return notFound(error);
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
