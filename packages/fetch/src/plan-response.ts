import type { DeliveryPlan } from '@sendoff/core';
import { SMALL_BODY_BYTES, smallBodyOf } from './small-body.js';
import { webStreamOf } from './web-stream.js';

type Headers = Record<string, string>;

/**
 * The web `Response` of a plan: its status and headers, and
 *
 * - for a stream plan, the plan's bytes with the plan's length as Content-Length: a body of at
 *   most 64 KiB read whole (see `smallBodyOf`), a larger one as a pulled `ReadableStream`. The
 *   stream is opened before the Response exists, so a file gone since it was looked at rejects
 *   here (and renders as its 404) rather than breaking a 200 off;
 * - on HEAD, no body, and the length a GET would have sent (the stream is never opened);
 * - for a redirect plan, its `Location`; for an empty plan (an offload to nginx, Apache,
 *   lighttpd or Caddy; a 304, 412 or 416), no body.
 *
 * A stream body must be read or cancelled: whoever takes the Response hands it to the server.
 */
export async function planResponse(plan: DeliveryPlan, request: Request): Promise<Response> {
  if (plan.body === 'stream') {
    const headers = withLength(plan.headers, plan.length);
    if (isHead(request)) return new Response(null, { status: plan.status, headers });
    const source = await plan.open();
    const body = plan.length <= SMALL_BODY_BYTES ? await smallBodyOf(source) : webStreamOf(source);
    return new Response(body, { status: plan.status, headers });
  }
  const headers = plan.body === 'redirect' ? { ...plan.headers, Location: plan.location } : plan.headers;
  return new Response(null, { status: plan.status, headers: emptyBodyHeaders(headers, plan.status, request) });
}

/**
 * A response without a body says so with `Content-Length: 0` when its status has a body (what
 * Node's own `res.end()` sends): a server given no length would otherwise frame the empty body as
 * a chunked one. A plan that names a length (a HEAD, a 416) keeps it; 204 and 304 get none.
 */
function emptyBodyHeaders(headers: Headers, status: number, request: Request): Headers {
  if (isHead(request) || !statusHasBody(status)) return headers;
  return withLength(headers, 0);
}

function withLength(headers: Headers, length: number): Headers {
  const named = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
  return named ? headers : { ...headers, 'Content-Length': String(length) };
}

function statusHasBody(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 205 && status !== 304;
}

function isHead(request: Request): boolean {
  return request.method === 'HEAD';
}
