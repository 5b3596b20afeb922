export { deliverResponse } from './deliver-response.js';
export { planResponse } from './plan-response.js';
export { toDeliveryRequest } from './to-delivery-request.js';
export { errorResponse } from './error-response.js';
export type { PlanProvider } from '@sendoff/core';
