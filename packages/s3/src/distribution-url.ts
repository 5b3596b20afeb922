/**
 * The URLs of a CloudFront distribution whose origin is the bucket: `<distribution>/<object key>`,
 * each key segment and query component strictly percent-encoded (every character but
 * `A-Z a-z 0-9 - . _ ~`), so `%`, `?`, `#`, spaces, quotes and non-ASCII can never be read as
 * syntax, and a `*` or `?` of a key can never act as a wildcard in a custom policy's resource.
 */
import { configInvalid } from '@sendoff/core';
import { encodeSegment, encodeSegments } from '@sendoff/core/http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The origin of a distribution URL (`https://d111111abcdef8.cloudfront.net`, a custom domain):
 * https, no path, query, fragment or credentials. Plain http is accepted for loopback hosts only
 * (a local stand-in for CloudFront).
 */
export function distributionOriginOf(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw configInvalid(`${name}: distributionUrl is not a URL`, error);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) throw configInvalid(`${name}: distributionUrl must be an https URL`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') {
    throw configInvalid(`${name}: distributionUrl must be the distribution's base URL alone (no path, query or credentials): its origin is the bucket`);
  }
  return url.origin;
}

/** Whether `resource` (a URL, possibly with `*` / `?` wildcards) is on an https origin, or plain http on a loopback host. */
export function isSecureResource(resource: string): boolean {
  const match = /^(https?):\/\/([^/]+)(\/|$)/.exec(resource);
  if (!match) return false;
  return match[1] === 'https' || LOOPBACK_HOSTS.has((match[2] ?? '').replace(/:\d+$/, ''));
}

/** `<origin>/<encoded object key>[?<query>]`. */
export function objectUrl(origin: string, objectKey: string, query: Readonly<Record<string, string>>): string {
  const search = Object.entries(query)
    .map(([name, value]) => `${encodeSegment(name)}=${encodeSegment(value)}`)
    .join('&');
  return `${origin}/${encodeSegments(objectKey.split('/'))}${search === '' ? '' : `?${search}`}`;
}
