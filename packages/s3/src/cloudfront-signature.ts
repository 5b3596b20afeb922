/**
 * CloudFront's signature parameters for a resource, signed by `@aws-sdk/cloudfront-signer`
 * (RSA-SHA1 over the policy, CloudFront's URL-safe base64). The signer's `getSignedCookies` signs
 * the resource exactly as given; its `getSignedUrl` first decodes and re-encodes the URL's path
 * segments (`%2A` becomes `*`, a wildcard in a custom policy), so signed URLs are assembled here
 * from the signed attributes: `<url>&Expires=…&Signature=…&Key-Pair-Id=…` for a canned policy,
 * `<url>&Policy=…&Signature=…&Key-Pair-Id=…` for a custom one, as CloudFront documents them.
 */
import { getSignedCookies } from '@aws-sdk/cloudfront-signer';
import type { KeyObject } from 'node:crypto';
import type { CloudFrontKey } from './cloudfront-key.js';
import { customPolicy, type CloudFrontConditions } from './cloudfront-policy.js';

export interface PolicyTerms {
  /** `DateLessThan`, epoch milliseconds (whole seconds). */
  expiresAtMs: number;
  /** Present: a custom policy with these conditions; absent: a canned policy. */
  conditions?: CloudFrontConditions;
}

export interface CloudFrontSignature {
  /** Canned policy only: `DateLessThan`, epoch seconds. */
  Expires?: string;
  /** Custom policy only: the policy, CloudFront base64. */
  Policy?: string;
  Signature: string;
  'Key-Pair-Id': string;
}

/** The signature parameters for `resource` (an exact URL, or for a custom policy a pattern with `*` and `?`). */
export function signatureFor(resource: string, key: CloudFrontKey, terms: PolicyTerms): CloudFrontSignature {
  const signer = { url: resource, keyPairId: key.keyPairId, privateKey: signingKey(key.privateKey) };
  const signed = terms.conditions === undefined
    ? getSignedCookies({ ...signer, dateLessThan: new Date(terms.expiresAtMs).toISOString() })
    : getSignedCookies({ ...signer, policy: customPolicy(resource, terms.expiresAtMs, terms.conditions) });
  const policy = signed['CloudFront-Policy'];
  const expires = signed['CloudFront-Expires'];
  return {
    ...(policy === undefined ? { Expires: String(expires) } : { Policy: policy }),
    Signature: signed['CloudFront-Signature'],
    'Key-Pair-Id': signed['CloudFront-Key-Pair-Id'],
  };
}

/**
 * The key as the signer takes it. Its declared type is a PEM string or buffer, which node:crypto
 * would parse on every signature; it hands the key to node:crypto's `Sign#sign`, which takes a
 * KeyObject as well.
 */
function signingKey(key: KeyObject): string {
  return key as unknown as string;
}

/** `url` signed: the signature parameters appended, last, as CloudFront wants them. */
export function signedUrlOf(url: string, key: CloudFrontKey, terms: PolicyTerms): string {
  const parameters = Object.entries(signatureFor(url, key, terms)).map(([name, value]) => `${name}=${value}`);
  return `${url}${url.includes('?') ? '&' : '?'}${parameters.join('&')}`;
}
