/**
 * URL paths, written so every layer reads them the same way: each segment percent-encoded as
 * RFC 3986 (and SigV4) wants it, every character but the unreserved ones (`A-Z a-z 0-9 - . _ ~`)
 * encoded, `!'()*` included, so `%`, `?`, `#`, space, `+`, non-ASCII and control characters can
 * never be read as syntax; and the one trailing `/` of a directory.
 */

/** One path segment or query component, strictly encoded. */
export function encodeSegment(value: string): string {
  if (/^[A-Za-z0-9_.~-]*$/.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The segments encoded and joined with `/` (no leading `/`). */
export function encodeSegments(segments: readonly string[]): string {
  return segments.map(encodeSegment).join('/');
}

/** `path` with exactly one trailing `/` added when it has none. */
export function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
