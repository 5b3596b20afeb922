import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { DeliveryPlan, PlanProvider } from '@sendoff/core';
import { deliver } from './deliver.js';

/** Says what to deliver for this request, or `undefined` to pass it on to the next handler. */
export type DeliveryResolver<Options> = (req: Request, res: Response) => Options | undefined | Promise<Options | undefined>;

/**
 * An Express middleware that delivers whatever `resolve` names for the request and calls `next()`
 * when it names nothing. Errors (thrown by `resolve` or by the delivery) go to `next(err)`, so the
 * app's error handler renders them; Express's own renders a SendoffError with its status and
 * headers. Authorisation belongs in `resolve` (or in middleware before it). Express 4 and 5.
 */
export function sendoff<Options, Plan extends DeliveryPlan>(
  deliverer: PlanProvider<Options, Plan>,
  resolve: DeliveryResolver<Options>,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    deliverResolved(deliverer, resolve, req, res).then(
      (delivered) => {
        if (!delivered) next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** Delivers what `resolve` names; false when it names nothing. */
async function deliverResolved<Options, Plan extends DeliveryPlan>(
  deliverer: PlanProvider<Options, Plan>,
  resolve: DeliveryResolver<Options>,
  req: Request,
  res: Response,
): Promise<boolean> {
  const options = await resolve(req, res);
  if (options === undefined) return false;
  await deliver(req, res, deliverer, options);
  return true;
}
