import type { Request, Response } from 'express';
import type { DeliveryPlan, PlanProvider } from '@sendoff/core';
import { deliver as deliverOnNode } from '@sendoff/core/node';

/**
 * Delivers one file on an Express request: the node:http adapter of the core on Express's own
 * `req` and `res`. Resolves with the applied plan once the response is done (or the client left
 * mid-body); rejects with the Deliverer's error (a SendoffError: status, statusCode, expose,
 * headers) with nothing written, so the app's error handler renders it: Express 5 passes the
 * rejection of an async handler to `next(err)` itself, under Express 4 call `.catch(next)`.
 */
export function deliver<Options, Plan extends DeliveryPlan>(
  req: Request,
  res: Response,
  deliverer: PlanProvider<Options, Plan>,
  options: Options,
): Promise<Plan> {
  return deliverOnNode(req, res, deliverer, options);
}
