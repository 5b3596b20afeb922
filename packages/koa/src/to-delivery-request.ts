import type { Context } from 'koa';
import type { DeliveryRequest } from '@sendoff/core';

/**
 * The neutral request of a Koa context: the method, the headers (Node already lower-cases their
 * names) and a signal aborted when the client goes away before the response finished. The signal
 * is made on first access only: offload and redirect plans never read it, and an AbortController
 * plus two close listeners per request are a measurable share of an offloaded download's cost.
 */
export function toDeliveryRequest(ctx: Context): DeliveryRequest {
  let signal: AbortSignal | undefined;
  return {
    method: ctx.method.toUpperCase(),
    headers: lowerCaseHeaders(ctx.req.headers),
    get signal(): AbortSignal {
      signal ??= clientGoneSignal(ctx);
      return signal;
    },
  };
}

function lowerCaseHeaders(headers: Context['req']['headers']): Record<string, string | string[] | undefined> {
  const result: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/**
 * Aborted when the connection closes (request or response side) before the response finished.
 * Made late, it may find the connection closed already: then it is aborted from the start.
 */
function clientGoneSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const { req, res } = ctx;
  if (isResponseFinished(res)) return controller.signal;
  if (isConnectionClosed(ctx)) {
    controller.abort(new Error('client closed the connection'));
    return controller.signal;
  }
  const onClose = (): void => {
    if (!isResponseFinished(res)) controller.abort(new Error('client closed the connection'));
    req.off('close', onClose);
    res.off('close', onClose);
  };
  req.once('close', onClose);
  res.once('close', onClose);
  return controller.signal;
}

function isResponseFinished(res: Context['res']): boolean {
  return res.writableFinished;
}

/** Whether either side is destroyed already (its 'close' is emitted or about to be). */
function isConnectionClosed(ctx: Context): boolean {
  return ctx.req.destroyed || ctx.res.destroyed;
}
