import { createLinkSigner, type LinkSigner } from '@sendoff/core';
import { deriveKey } from './derive-key.js';

/** The signer of the app's download links, keyed by a key derived from the app secret. */
export function createAppLinkSigner(secret: Buffer, now?: () => number): LinkSigner {
  return createLinkSigner({ keys: { k1: deriveKey(secret, 'download links') }, currentKeyId: 'k1', ...(now ? { now } : {}) });
}
