/**
 * URI encoding as SigV4 and S3 want it (RFC 3986 unreserved characters kept, everything else
 * percent-encoded, `!'()*` included), so the URL sent is byte for byte what was signed.
 */

/** One path segment or query component, strictly encoded. */
export function uriEncode(value: string): string {
  if (/^[A-Za-z0-9_.~-]*$/.test(value)) return value;
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An object key as a URL path: every segment encoded, the `/` between them kept. */
export function objectKeyPath(objectKey: string): string {
  return objectKey.split('/').map(uriEncode).join('/');
}
