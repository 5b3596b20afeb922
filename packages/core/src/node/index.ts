export { deliver } from './deliver.js';
export { applyPlan } from './apply-plan.js';
export { applyPlanToReply } from './apply-plan-to-reply.js';
export type { ReplyLike } from './apply-plan-to-reply.js';
export { toDeliveryRequest } from './to-delivery-request.js';
export type { PlanProvider } from '../contracts.js';
