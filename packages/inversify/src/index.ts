export { TYPES } from './types.js';
export { sendoffModule, type SendoffModuleExtras } from './sendoff-module.js';
