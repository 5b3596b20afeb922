export { SendoffModule, type SendoffModuleExtras, type SendoffModuleAsyncOptions } from './sendoff-module.js';
export { SendoffService } from './sendoff-service.js';
export { deliver } from './deliver.js';
export { SendoffHttpException, type SendoffExceptionBody } from './http-exception.js';
export { SENDOFF_DELIVERER, SENDOFF_CONFIG, SENDOFF_STORAGE, SENDOFF_LINK_SIGNER } from './tokens.js';
export type { NestRequest, NestResponse, FastifyReplyLike } from './platform.js';
