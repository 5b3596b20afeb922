import type { Context } from 'koa';
import { takeWholeBody, type DeliveryPlan } from '@sendoff/core';

/**
 * Applies a plan to a Koa response: status, headers, then the body the plan asks for. The plan's
 * headers win over anything Koa derives from the body: a stream body gets them first (so Koa keeps
 * the plan's Content-Type rather than looking one up), an empty body after it (a HEAD plan keeps
 * the file's Content-Length; an offload plan that sets none gets no file length from us).
 */
export async function applyPlan(ctx: Context, plan: DeliveryPlan): Promise<void> {
  ctx.status = plan.status;
  if (plan.body === 'stream' && !isHead(ctx)) {
    const stream = await plan.open();
    stream.on('error', leaveToKoa);
    setHeaders(ctx, plan.headers);
    // A small file the storage read whole when it opened it goes out as bytes, with the head in one write.
    ctx.body = takeWholeBody(stream) ?? stream;
    ctx.length = plan.length;
    return;
  }
  applyEmptyBody(ctx, plan);
  if (plan.body === 'redirect') ctx.set('Location', plan.location);
  setHeaders(ctx, plan.headers);
}

/**
 * Koa 3 listens for a body stream's errors only while it pipes it to the response. A storage
 * stream failing before that (while later middleware runs) or after (an aborted download whose
 * source reports the abort late) would otherwise be an unhandled 'error' that ends the process.
 * Koa still sees the error through the pipe: `stream.pipeline` destroys the response, so the
 * client's connection breaks off short of the announced Content-Length (a length mismatch caught
 * by the core fails the stream the same way), and Koa's `onerror` writes nothing once the head is
 * out. The app hears of it through Koa's 'error' event.
 */
function leaveToKoa(): void {}

function setHeaders(ctx: Context, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
}

function isHead(ctx: Context): boolean {
  return ctx.method.toUpperCase() === 'HEAD';
}

/**
 * An empty string body keeps the plan's status (Koa turns a missing body into 404 or 204). Koa
 * labels it text/plain: that label goes unless the plan set its own. A HEAD of a stream plan
 * announces the length it would have sent.
 */
function applyEmptyBody(ctx: Context, plan: DeliveryPlan): void {
  ctx.body = '';
  if (!hasHeader(plan, 'content-type')) ctx.remove('Content-Type');
  if (plan.body === 'stream') ctx.length = plan.length;
}

function hasHeader(plan: DeliveryPlan, name: string): boolean {
  return Object.keys(plan.headers).some((key) => key.toLowerCase() === name);
}
