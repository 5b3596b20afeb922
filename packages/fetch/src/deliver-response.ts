import type { DeliveryPlan, PlanProvider } from '@sendoff/core';
import { planResponse } from './plan-response.js';
import { toDeliveryRequest } from './to-delivery-request.js';

/**
 * Delivers one file as a web `Response`: builds the neutral request from `request`, asks the
 * deliverer for a plan and turns it into a Response (see `planResponse`). Rejects with the
 * deliverer's error (a SendoffError: status, expose, headers) before anything is answered: render
 * it with `errorResponse`, or let the framework's error handler do so (Hono's `app.onError`).
 */
export async function deliverResponse<Options, Plan extends DeliveryPlan>(
  request: Request,
  deliverer: PlanProvider<Options, Plan>,
  options: Options,
): Promise<Response> {
  const plan = await deliverer.deliver(toDeliveryRequest(request), options);
  return planResponse(plan, request);
}
