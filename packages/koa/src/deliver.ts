import type { Context } from 'koa';
import type { DeliveryPlan, PlanProvider } from '@sendoff/core';
import { applyPlan } from './apply-plan.js';
import { toDeliveryRequest } from './to-delivery-request.js';

export type { PlanProvider };

/**
 * Delivers one file on a Koa context: builds the neutral request, asks the deliverer for a plan
 * and applies it. Errors (SendoffError: status, expose, headers) propagate to Koa's error
 * handling unchanged. Returns the plan that was applied.
 */
export async function deliver<Options, Plan extends DeliveryPlan>(
  ctx: Context,
  deliverer: PlanProvider<Options, Plan>,
  options: Options,
): Promise<Plan> {
  const plan = await deliverer.deliver(toDeliveryRequest(ctx), options);
  await applyPlan(ctx, plan);
  return plan;
}
