export { sendoff, sendoff as default, type SendoffPluginOptions } from './sendoff-plugin.js';
export { applyPlan } from './apply-plan.js';
