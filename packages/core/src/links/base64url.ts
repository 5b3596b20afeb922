const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `value` is the one base64url spelling of the bytes it decodes to: no padding, no
 * character outside the alphabet, and no stray bits in the last character. Node's decoder
 * ignores such bits, so without this check several strings decode to the same signature.
 */
export function isCanonicalBase64url(value: string): boolean {
  return BASE64URL.test(value) && Buffer.from(value, 'base64url').toString('base64url') === value;
}
