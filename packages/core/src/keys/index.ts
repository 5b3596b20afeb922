export { validateKey, isValidKey, MAX_KEY_BYTES, MAX_SEGMENT_BYTES } from './validate-key.js';
