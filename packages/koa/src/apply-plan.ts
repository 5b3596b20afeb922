import type { Context } from 'koa';
import type { DeliveryPlan } from '@sendoff/core';

/**
 * Applies a plan to a Koa response: status, headers, then the body the plan asks for. The plan's
 * headers are applied last so they win over anything Koa derived from the body (a HEAD plan keeps
 * the file's Content-Length; an offload plan that sets none gets no file length from us).
 */
export async function applyPlan(ctx: Context, plan: DeliveryPlan): Promise<void> {
  ctx.status = plan.status;
  if (plan.body === 'stream' && !isHead(ctx)) {
    ctx.body = await plan.open();
    ctx.length = plan.length;
  } else {
    applyEmptyBody(ctx, plan);
  }
  if (plan.body === 'redirect') ctx.set('Location', plan.location);
  for (const [name, value] of Object.entries(plan.headers)) ctx.set(name, value);
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
