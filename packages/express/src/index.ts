export { deliver } from './deliver.js';
export { sendoff, type DeliveryResolver } from './sendoff-middleware.js';
export type { PlanProvider } from '@sendoff/core';
