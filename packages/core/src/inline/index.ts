export type { InlinePolicyConfig } from './inline-policy.js';
export { isActiveContentType } from './active-content.js';
export { DEFAULT_INLINE_TYPES, DEFAULT_ACTIVE_CONTENT_POLICY, DOWNLOAD_SAFETY_HEADERS } from './defaults.js';
