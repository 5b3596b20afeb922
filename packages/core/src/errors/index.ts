export { SendoffError, isSendoffError, invalidKey, notFound, configInvalid } from './sendoff-error.js';
export type { SendoffErrorCode, SendoffErrorOptions } from './sendoff-error.js';
