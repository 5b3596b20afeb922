/**
 * The internal URI prefix of nginx's X-Accel-Redirect location (`/_protected/`): the strategy puts
 * it in front of every header value and the generated config opens an `internal` location for it.
 * It must start and end with `/` (a prefix without the trailing one lets `/prefix../outside` escape
 * the root) and hold nothing the config or the URI would read as syntax.
 */
import { configInvalid } from '../errors/sendoff-error.js';

/** The prefix used when none is given (the CLI's `--prefix`, the doctor's `--internal-prefix`). */
export const DEFAULT_INTERNAL_PREFIX = '/_protected/';

/** `prefix` when it is a safe internal prefix; throws CONFIG_INVALID naming `owner` otherwise. */
export function checkInternalPrefix(prefix: unknown, owner: string): string {
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || !prefix.endsWith('/') || prefix.length < 3) {
    throw configInvalid(`${owner}: prefix must start and end with "/" (e.g. "${DEFAULT_INTERNAL_PREFIX}"), got ${JSON.stringify(prefix)}`);
  }
  if (!/^[A-Za-z0-9/_.~-]+$/.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    throw configInvalid(`${owner}: prefix may only hold letters, digits, "/", "_", "-", "." and "~"`);
  }
  return prefix;
}
