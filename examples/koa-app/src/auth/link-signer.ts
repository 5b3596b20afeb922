import { createHmac } from 'node:crypto';
import { createLinkSigner, type LinkSigner } from '@sendoff/core';

/** The signer of the app's download links, keyed by a key derived from the app secret. */
export function createAppLinkSigner(secret: Buffer, now?: () => number): LinkSigner {
  const key = createHmac('sha256', secret).update('download links').digest();
  return createLinkSigner({ keys: { k1: key }, currentKeyId: 'k1', ...(now ? { now } : {}) });
}
