/**
 * Reading the errors a store raises during a migration: a short reason for the report, and whether
 * the error dooms every other copy too (the bucket is gone, the credentials are refused), in which
 * case the run stops instead of failing each file in turn.
 */
import { isSendoffError } from '@sendoff/core';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const REFUSED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'InvalidToken',
  'ExpiredToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);

/** The error the SDK raised, under the SendoffError a Storage wraps it in. */
export function rootCause(error: unknown): SdkErrorShape {
  let current: unknown = error;
  while (isSendoffError(current) && current.cause !== undefined) current = current.cause;
  return typeof current === 'object' && current !== null ? (current as SdkErrorShape) : { message: String(current) };
}

export function statusOf(error: unknown): number | undefined {
  return rootCause(error).$metadata?.httpStatusCode;
}

/** Whether the store says the bucket does not exist. */
export function isMissingBucket(error: unknown): boolean {
  const cause = rootCause(error);
  return cause.name === 'NoSuchBucket' || (cause.name === 'NotFound' && statusOf(error) === 404);
}

/** Whether the store refuses our credentials or our access. */
export function isRefused(error: unknown): boolean {
  const cause = rootCause(error);
  return (cause.name !== undefined && REFUSED.has(cause.name)) || statusOf(error) === 403;
}

/** Whether no further copy can succeed after this error. */
export function isFatal(error: unknown): boolean {
  return isMissingBucket(error) || isRefused(error);
}

/** A one-line reason: the SDK's error name and status, and its message when it has one. */
export function describeError(error: unknown): string {
  const cause = rootCause(error);
  const status = statusOf(error);
  const parts = [cause.name ?? cause.code ?? 'Error'];
  if (status !== undefined) parts.push(`(HTTP ${status})`);
  const message = cause.message?.trim();
  if (message !== undefined && message !== '' && message !== cause.name && !/^UnknownError$/.test(message)) parts.push(`: ${message}`);
  return parts.join(' ').replace(' :', ':');
}
