export { createDelivery } from './create-delivery.js';
export type { DeliveryConfig, DeliverOptions, DeliveryResult, DeliveryExplanation, Deliverer } from './types.js';
