import { Logger } from '@nestjs/common';
import { isSendoffError, type DeliveryPlan, type PlanProvider } from '@sendoff/core';
import { applyPlan, toDeliveryRequest, applyPlanToReply } from '@sendoff/core/node';
import { markAnswered } from './answered-responses.js';
import { clientClosedRequest, SendoffHttpException } from './http-exception.js';
import { isFastifyReply, rawRequestOf, rawResponseOf, setResponseHeader, type NestRequest, type NestResponse } from './platform.js';

const logger = new Logger('Sendoff');

/**
 * Delivers one file from a Nest controller that took the platform's request and response with
 * `@Req()` and `@Res()`: builds the neutral request, asks the deliverer for a plan and applies it,
 * through Node's response on the Express platform and through the Fastify reply on the Fastify
 * platform. Resolves with the plan once the response is done (or the client went away).
 *
 * A refusal (a SendoffError: bad key, missing file, unsatisfiable range…) is thrown as a
 * `SendoffHttpException` with nothing of the plan written, so Nest's exception filters render it
 * with its status; its exposed headers (`Content-Range` on a 416) are set on the response first.
 * Errors that are not exposed (5xx) are also logged, as Nest logs the errors it does not expect. A
 * body that fails once the head is out cannot be answered any more: the connection is destroyed
 * (the client sees a broken transfer, never a short file that looks whole), the error is logged
 * and `deliver` resolves. A client gone before anything was sent leaves nobody to answer: whatever
 * failed then (the file's open, aborted), Nest gets a 499 HttpException, which it does not log. A
 * response `deliver` resolved on is marked answered, for `SendoffModule`'s interceptor to keep
 * Nest from sending a handler's return value on it.
 */
export async function deliver<Options, Plan extends DeliveryPlan>(
  req: NestRequest,
  res: NestResponse,
  deliverer: PlanProvider<Options, Plan>,
  options: Options,
): Promise<Plan> {
  const rawReq = rawRequestOf(req);
  const rawRes = rawResponseOf(res);
  const request = toDeliveryRequest(rawReq, rawRes);
  let plan: Plan;
  try {
    plan = await deliverer.deliver(request, options);
    await (isFastifyReply(res) ? applyPlanToReply(res, plan) : applyPlan(plan, rawReq, rawRes));
  } catch (error) {
    if (!rawRes.headersSent) throw request.signal?.aborted ? clientClosedRequest() : toNestError(error, res);
    logger.error(error);
  }
  markAnswered(rawRes);
  return plan!;
}

/** A SendoffError becomes a SendoffHttpException (its exposed headers set on the response); anything else stays as it is. */
function toNestError(error: unknown, res: NestResponse): unknown {
  if (!isSendoffError(error)) return error;
  const exception = new SendoffHttpException(error);
  for (const [name, value] of Object.entries(exception.headers)) setResponseHeader(res, name, value);
  if (!error.expose) logger.error(error);
  return exception;
}
