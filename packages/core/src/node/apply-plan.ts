import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { DeliveryPlan } from '../contracts.js';
import { takeWholeBody } from '../storage/whole-body.js';

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
 * A body the storage read whole when it opened it (a small local file) is written with the head
 * in one go, without a pipe.
 */
export async function applyPlan(plan: DeliveryPlan, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (plan.body === 'stream' && !isHead(req)) {
    const body = await plan.open();
    setHead(res, plan);
    setLengthUnlessSet(res, plan.length);
    const whole = takeWholeBody(body);
    await (whole === undefined ? sendBody(body, res) : sendBytes(whole, res));
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
 * Pipes the body with backpressure and settles when the response is done: resolves once it is
 * finished, or closed by the client (the body is destroyed then, releasing its file or
 * connection); rejects with the body's error after destroying the response (the connection).
 * `pipe` and two listeners rather than `stream.pipeline`, whose AbortController and extra
 * listeners per response are a measurable share of a small download's cost.
 */
function sendBody(body: Readable, res: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    // Gone already (while the stream was opened): its 'close' has been heard, nothing to send.
    if (res.closed) {
      body.destroy();
      resolve();
      return;
    }
    const onError = (error: Error): void => {
      res.off('close', onClose);
      res.destroy();
      reject(error);
    };
    const onClose = (): void => {
      body.off('error', onError);
      if (!res.writableFinished) body.destroy();
      resolve();
    };
    body.once('error', onError);
    // A body that reports an error after the response is gone must not end the process.
    body.on('error', ignore);
    res.once('close', onClose);
    body.pipe(res);
  });
}

/** Writes a body held in memory with the head in one go; settles like `sendBody` once the response is done. */
function sendBytes(bytes: Buffer, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.closed) resolve();
    else res.once('close', () => resolve());
    res.end(bytes);
  });
}

function ignore(): void {}

function isHead(req: IncomingMessage): boolean {
  return req.method === 'HEAD';
}
