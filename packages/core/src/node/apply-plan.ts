import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DeliveryPlan } from '../contracts.js';

/**
 * Applies a plan to a node:http response: the plan's status and headers, then no body, a
 * redirect's `Location` or the stream. Nothing touches `res` before the plan's stream is open, so
 * a plan that fails to open (a file gone since it was looked at) leaves the response to whoever
 * renders the error. The promise settles when the response is done:
 *
 * - it resolves when the body is out, and also when the client went away mid-body (the stream is
 *   destroyed, so its file handle or connection is released: nothing for the caller to do);
 * - it rejects with the stream's error when the source fails after the head is out (a file cut
 *   while it is read fails the stream, see exact-length.ts): the connection is destroyed by then,
 *   so the client sees a broken transfer, and the caller must write nothing more.
 *
 * On HEAD a stream plan is never opened; the response announces the length it would have sent.
 */
export async function applyPlan(plan: DeliveryPlan, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (plan.body === 'stream' && !isHead(req)) {
    const body = await plan.open();
    setHead(res, plan);
    setLengthUnlessSet(res, plan.length);
    await sendBody(body, res);
    return;
  }
  setHead(res, plan);
  if (plan.body === 'stream') setLengthUnlessSet(res, plan.length);
  if (plan.body === 'redirect') res.setHeader('Location', plan.location);
  res.end();
}

/** Status and headers; a header Node refuses leaves none of the plan's headers behind. */
function setHead(res: ServerResponse, plan: DeliveryPlan): void {
  const names = Object.keys(plan.headers);
  try {
    for (const name of names) res.setHeader(name, plan.headers[name]!);
  } catch (error) {
    for (const name of names) res.removeHeader(name);
    throw error;
  }
  res.statusCode = plan.status;
}

function setLengthUnlessSet(res: ServerResponse, length: number): void {
  if (!res.hasHeader('content-length')) res.setHeader('Content-Length', String(length));
}

/**
 * Pipes the body with backpressure. pipeline destroys the body when the client goes away (a
 * premature close: not an error of the download) and destroys the response when the body fails.
 */
async function sendBody(body: Readable, res: ServerResponse): Promise<void> {
  try {
    await pipeline(body, res);
  } catch (error) {
    if (!isClientGone(error)) throw error;
  }
}

function isClientGone(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE';
}

function isHead(req: IncomingMessage): boolean {
  return req.method === 'HEAD';
}
