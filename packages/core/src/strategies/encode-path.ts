/**
 * How a delivery header names a file: for servers that decode the header once (nginx, lighttpd),
 * a path of percent-encoded segments; for those that read it as bytes (Apache, Caddy), the raw
 * UTF-8 of the path.
 */
import { encodeSegments } from '../http/url-path.js';

/** `/`-joined encoded segments, with a leading `/`. */
export function encodePath(segments: readonly string[]): string {
  return `/${encodeSegments(segments)}`;
}

/**
 * A string whose UTF-8 bytes Node's `setHeader` writes unchanged: each byte as one latin1 char.
 * Undefined when the value holds a character no header can carry (CR, LF, NUL, other controls).
 */
export function rawUtf8Header(value: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  return Buffer.from(value, 'utf8').toString('latin1');
}
