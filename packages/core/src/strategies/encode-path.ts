/**
 * Percent-encoding of path segments for servers that decode the delivery header once (nginx,
 * lighttpd). Everything but RFC 3986 unreserved characters is encoded, so `%`, `?`, `#`, space,
 * `+`, non-ASCII and control characters can never be read as syntax.
 */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `/`-joined encoded segments, with a leading `/`. */
export function encodePath(segments: readonly string[]): string {
  return `/${segments.map(encodeSegment).join('/')}`;
}

/**
 * A string whose UTF-8 bytes Node's `setHeader` writes unchanged: each byte as one latin1 char.
 * Undefined when the value holds a character no header can carry (CR, LF, NUL, other controls).
 */
export function rawUtf8Header(value: string): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return undefined;
  return Buffer.from(value, 'utf8').toString('latin1');
}
