export { sendoff, sendoff as default, type SendoffPluginOptions } from './sendoff-plugin.js';
