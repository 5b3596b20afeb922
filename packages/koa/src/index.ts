export { toDeliveryRequest } from './to-delivery-request.js';
export { applyPlan } from './apply-plan.js';
export { deliver, type PlanProvider } from './deliver.js';
export { sendoff, type DeliveryResolver } from './sendoff-middleware.js';
