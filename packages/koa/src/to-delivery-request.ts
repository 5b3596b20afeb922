import type { Context } from 'koa';
import type { DeliveryRequest } from '@sendoff/core';
import { toDeliveryRequest as fromNodeRequest } from '@sendoff/core/node';

/**
 * The neutral request of a Koa context: the one of its node:http request (method, lower-case
 * headers, a signal made on first access and aborted when the client goes away before the
 * response finished).
 */
export function toDeliveryRequest(ctx: Context): DeliveryRequest {
  return fromNodeRequest(ctx.req, ctx.res);
}
