import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryPlan, PlanProvider } from '../contracts.js';
import { applyPlan } from './apply-plan.js';
import { toDeliveryRequest } from './to-delivery-request.js';

/**
 * Delivers one file on a node:http request: builds the neutral request, asks the deliverer for a
 * plan and applies it (see `applyPlan` for when the promise settles). Rejects with the
 * deliverer's error (a SendoffError: status, expose, headers) with nothing written, so the caller
 * renders it; once the head is out it rejects only when the body fails, with the connection
 * already destroyed. Returns the plan that was applied.
 */
export async function deliver<Options, Plan extends DeliveryPlan>(
  req: IncomingMessage,
  res: ServerResponse,
  deliverer: PlanProvider<Options, Plan>,
  options: Options,
): Promise<Plan> {
  const plan = await deliverer.deliver(toDeliveryRequest(req, res), options);
  await applyPlan(plan, req, res);
  return plan;
}
