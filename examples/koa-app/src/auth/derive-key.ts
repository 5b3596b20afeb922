import { createHmac } from 'node:crypto';
import { MIN_SECRET_BYTES } from '@sendoff/core';

/**
 * A key for one purpose (session tokens, download links) derived from the app secret, so a key
 * leaked from one purpose says nothing of the others. A secret shorter than 32 bytes (an empty
 * one above all) is refused: HMAC would happily derive a key anyone can compute from it.
 */
export function deriveKey(secret: Buffer, purpose: string): Buffer {
  if (!Buffer.isBuffer(secret) || secret.length < MIN_SECRET_BYTES) {
    throw new Error(`the app secret must be at least ${MIN_SECRET_BYTES} bytes, got ${Buffer.isBuffer(secret) ? secret.length : 'none'}`);
  }
  return createHmac('sha256', secret).update(purpose).digest();
}
