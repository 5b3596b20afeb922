import { createLinkSigner, type LinkSigner, type LinkStore } from '@sendoff/core';
import { deriveKey } from './derive-key.js';

/**
 * The signer of the app's download links, keyed by a key derived from the app secret. With a link
 * store every link can be revoked and limited to a number of uses; the store is shared by every
 * process of the app (Redis in the fleet profile, memory otherwise).
 */
export function createAppLinkSigner(secret: Buffer, now?: () => number, store?: LinkStore): LinkSigner {
  return createLinkSigner({ keys: { k1: deriveKey(secret, 'download links') }, currentKeyId: 'k1', ...(now ? { now } : {}), ...(store ? { store } : {}) });
}
