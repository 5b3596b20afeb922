export { createLinkSigner, MIN_SECRET_BYTES } from './link-signer.js';
export { isCanonicalBase64url } from './base64url.js';
export type { LinkSignerOptions, SignInput, LinkPayload, LinkSigner } from './link-signer.js';
