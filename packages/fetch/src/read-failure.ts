import { SendoffError, isSendoffError } from '@sendoff/core';

/**
 * What the server sees when a body's source fails: the length guard's own unexposed SendoffError,
 * or a STORAGE_ERROR without the source's message (which may hold a file path), the source's
 * error kept as its cause.
 */
export function readFailure(error: unknown): SendoffError {
  if (isSendoffError(error) && !error.expose) return error;
  return new SendoffError('STORAGE_ERROR', 'the file could not be read to the end', { expose: false, cause: error });
}
