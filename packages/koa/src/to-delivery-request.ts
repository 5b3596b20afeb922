import type { Context } from 'koa';
import type { DeliveryRequest } from '@sendoff/core';

/**
 * The neutral request of a Koa context: the method, the headers (Node already lower-cases their
 * names) and a signal aborted when the client goes away before the response finished.
 */
export function toDeliveryRequest(ctx: Context): DeliveryRequest {
  return {
    method: ctx.method.toUpperCase(),
    headers: lowerCaseHeaders(ctx.req.headers),
    signal: clientGoneSignal(ctx),
  };
}

function lowerCaseHeaders(headers: Context['req']['headers']): Record<string, string | string[] | undefined> {
  const result: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}

/** Aborted when the connection closes (request or response side) before the response finished. */
function clientGoneSignal(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const { req, res } = ctx;
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
