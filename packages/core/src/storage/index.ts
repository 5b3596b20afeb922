export { LocalStorage } from './local-storage.js';
export type { LocalStorageOptions } from './local-storage.js';
export { FallbackStorage } from './fallback-storage.js';
