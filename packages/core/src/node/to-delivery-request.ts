import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DeliveryRequest } from '../contracts.js';

/**
 * The neutral request of a node:http request: the method, the headers (Node lower-cases their
 * names) and a signal aborted when the client goes away before the response finished. The signal
 * is made on first access only: offload and redirect plans never read it, and an AbortController
 * plus two close listeners per request are a measurable share of an offloaded download's cost.
 */
export function toDeliveryRequest(req: IncomingMessage, res: ServerResponse): DeliveryRequest {
  let signal: AbortSignal | undefined;
  return {
    method: req.method ?? 'GET',
    headers: req.headers,
    get signal(): AbortSignal {
      signal ??= clientGoneSignal(req, res);
      return signal;
    },
  };
}

/**
 * Aborted when the connection closes (request or response side) before the response finished.
 * Made late, it may find the connection closed already: then it is aborted from the start.
 */
function clientGoneSignal(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.writableFinished) return controller.signal;
  if (req.destroyed || res.destroyed) {
    controller.abort(clientGone());
    return controller.signal;
  }
  const onClose = (): void => {
    if (!res.writableFinished) controller.abort(clientGone());
    req.off('close', onClose);
    res.off('close', onClose);
  };
  req.once('close', onClose);
  res.once('close', onClose);
  return controller.signal;
}

function clientGone(): Error {
  return new Error('client closed the connection');
}
