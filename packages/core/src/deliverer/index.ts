export { createDelivery } from './create-delivery.js';
export { MAX_FILENAME_BYTES, MAX_CONTENT_TYPE_BYTES, MAX_EXTRA_HEADER_BYTES } from './resolve-options.js';
export type { DeliveryConfig, DeliverOptions, DeliveryResult, DeliveryExplanation, Deliverer } from './types.js';
