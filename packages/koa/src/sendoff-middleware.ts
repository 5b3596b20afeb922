import type { Context, Middleware, Next } from 'koa';
import type { DeliveryPlan } from '@sendoff/core';
import { deliver, type PlanProvider } from './deliver.js';

/** Says what to deliver for this request, or `undefined` to pass it on to the next middleware. */
export type DeliveryResolver<Options> = (ctx: Context) => Options | undefined | Promise<Options | undefined>;

/**
 * A Koa middleware that delivers whatever `resolve` names for the request and passes the request
 * on when it names nothing. Authorisation belongs in `resolve` (or in middleware before it).
 */
export function sendoff<Options, Plan extends DeliveryPlan>(
  deliverer: PlanProvider<Options, Plan>,
  resolve: DeliveryResolver<Options>,
): Middleware {
  return async (ctx: Context, next: Next): Promise<void> => {
    const options = await resolve(ctx);
    if (options === undefined) return next();
    await deliver(ctx, deliverer, options);
  };
}
