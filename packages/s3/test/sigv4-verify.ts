/**
 * An independent check of SigV4 presigned URLs, written from the AWS specification with
 * node:crypto only (no SDK code): rebuild the canonical request and the string to sign from the
 * URL, derive the signing key from the secret, and compare signatures. s3rver does not verify
 * signatures, so this is what proves a presigned URL is right.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { encodeSegment } from '@sendoff/core/http';

export interface VerifyPresignedOptions {
  secretAccessKey: string;
  /** The HTTP method the URL will be used with. */
  method: string;
  /** Check the expiry against this instant (epoch ms); unset skips the expiry check. */
  nowMs?: number;
}

export type Verdict = { valid: true; params: Record<string, string> } | { valid: false; reason: string };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const REQUIRED = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'];

export function verifyPresignedUrl(url: string, options: VerifyPresignedOptions): Verdict {
  const parts = /^(https?):\/\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(url);
  if (parts === null) return { valid: false, reason: 'not an http(s) URL' };
  const [, , host = '', rawPath = '/', rawQuery = ''] = parts;
  const pairs = parseQuery(rawQuery);
  const params = Object.fromEntries(pairs);
  for (const name of REQUIRED) {
    if (pairs.filter(([key]) => key === name).length !== 1) return { valid: false, reason: `${name} missing or repeated` };
  }
  if (params['X-Amz-Algorithm'] !== ALGORITHM) return { valid: false, reason: 'unknown algorithm' };
  if (params['X-Amz-SignedHeaders'] !== 'host') return { valid: false, reason: 'signs headers a browser cannot send' };
  const [, scopeDate, region, service, terminator, ...rest] = (params['X-Amz-Credential'] ?? '').split('/');
  const amzDate = params['X-Amz-Date'] ?? '';
  if (rest.length > 0 || terminator !== 'aws4_request' || !region || !service) return { valid: false, reason: 'malformed credential scope' };
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || scopeDate !== amzDate.slice(0, 8)) return { valid: false, reason: 'date and scope disagree' };

  const canonicalRequest = [
    options.method,
    canonicalPath(rawPath),
    canonicalQuery(pairs.filter(([key]) => key !== 'X-Amz-Signature')),
    `host:${host}`,
    '',
    'host',
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(options.secretAccessKey, scopeDate, region, service);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const given = Buffer.from(params['X-Amz-Signature'] ?? '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'signature mismatch' };

  if (options.nowMs !== undefined) {
    const expires = Number(params['X-Amz-Expires']);
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) return { valid: false, reason: 'invalid expiry' };
    const signedAt = amzDateToMs(amzDate);
    if (options.nowMs < signedAt) return { valid: false, reason: 'not yet valid' };
    if (options.nowMs >= signedAt + expires * 1000) return { valid: false, reason: 'expired' };
  }
  return { valid: true, params };
}

/** `[name, value]` pairs, decoded, in URL order. */
export function parseQuery(rawQuery: string): [string, string][] {
  if (rawQuery === '') return [];
  return rawQuery.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const name = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? '' : pair.slice(at + 1);
    return [decodeURIComponent(name), decodeURIComponent(value)];
  });
}

/** S3 signs each path segment URI-encoded exactly once (no dot-segment normalisation). */
function canonicalPath(rawPath: string): string {
  return rawPath.split('/').map((segment) => encodeSegment(decodeURIComponent(segment))).join('/');
}

function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([name, value]) => [encodeSegment(name), encodeSegment(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function amzDateToMs(amzDate: string): number {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate) ?? [];
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}
