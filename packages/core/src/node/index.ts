export { deliver } from './deliver.js';
export { applyPlan } from './apply-plan.js';
export { toDeliveryRequest } from './to-delivery-request.js';
export type { PlanProvider } from '../contracts.js';
