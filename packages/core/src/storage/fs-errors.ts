/**
 * Maps file-system errors to the sendoff error family. Messages never carry a path: the original
 * error stays in `cause` for logs only.
 */
import { SendoffError, notFound } from '../errors/sendoff-error.js';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'ENAMETOOLONG']);
const DENIED = new Set(['EACCES', 'EPERM']);

/** The code of a Node system error, if it is one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the error means "nothing readable there" (missing, not a directory, symlink loop). */
export function isMissing(error: unknown): boolean {
  return MISSING.has(errnoCode(error) ?? '');
}

/** A read error as a SendoffError: 404 for missing, 403 for denied, 502 otherwise. */
export function readError(error: unknown): SendoffError {
  if (error instanceof SendoffError) return error;
  if (isMissing(error)) return notFound(error);
  if (DENIED.has(errnoCode(error) ?? '')) return new SendoffError('FORBIDDEN', 'access denied', { cause: error });
  return new SendoffError('STORAGE_ERROR', `local storage failed (${errnoCode(error) ?? 'unknown error'})`, { cause: error, expose: false });
}

/** A write error as a SendoffError: 403 when the key collides with the tree or is denied, 502 otherwise. */
export function writeError(error: unknown): SendoffError {
  if (error instanceof SendoffError) return error;
  const code = errnoCode(error) ?? '';
  if (MISSING.has(code) || code === 'EEXIST' || code === 'ENOTEMPTY') {
    return new SendoffError('FORBIDDEN', 'key is not writable: it collides with an existing file or directory', { cause: error });
  }
  if (DENIED.has(code)) return new SendoffError('FORBIDDEN', 'key is not writable: access denied', { cause: error });
  return new SendoffError('STORAGE_ERROR', `local storage write failed (${code || 'unknown error'})`, { cause: error, expose: false });
}
