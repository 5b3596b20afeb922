/**
 * The route the conformance kit downloads from under `next start`: every path is looked up in the
 * routes the test wrote (SENDOFF_ROUTES: url path → what to deliver), `/raw/<key>` delivers the
 * key as the client wrote it, anything else is a 404. The Deliverer serves SENDOFF_FILES_ROOT
 * with directStream, or hands every file to nginx with xAccel when SENDOFF_XACCEL_PREFIX is set.
 */
import { readFileSync } from 'node:fs';
import { createDelivery, directStream, LocalStorage, SendoffError, xAccel, type Deliverer, type DeliverOptions } from '@sendoff/core';
import { deliverResponse, errorResponse } from '@sendoff/fetch';

export const runtime = 'nodejs';

const RAW_PREFIX = '/raw/';

interface Setup {
  deliverer: Deliverer;
  routes: Record<string, DeliverOptions>;
}

let setup: Setup | undefined;

/** Read on the first request: `next build` loads this module without the test's settings. */
function current(): Setup {
  setup ??= {
    deliverer: delivererOf(setting('SENDOFF_FILES_ROOT'), process.env['SENDOFF_XACCEL_PREFIX']),
    routes: JSON.parse(readFileSync(setting('SENDOFF_ROUTES'), 'utf8')) as Record<string, DeliverOptions>,
  };
  return setup;
}

function delivererOf(root: string, prefix: string | undefined): Deliverer {
  const direct = directStream();
  if (prefix === undefined) return createDelivery({ environment: 'test', storage: new LocalStorage({ root }), strategies: [direct], policy: { rules: [], fallback: direct.name } });
  const offload = xAccel({ root, prefix });
  return createDelivery({ environment: 'test', storage: new LocalStorage({ root }), strategies: [offload, direct], policy: { rules: [{ name: 'nginx', use: offload.name }], fallback: direct.name } });
}

export async function GET(request: Request): Promise<Response> {
  try {
    const options = resolve(new URL(request.url));
    if (options === undefined) return new Response('Not Found', { status: 404 });
    return await deliverResponse(request, current().deliverer, options);
  } catch (error) {
    return errorResponse(error);
  }
}

function resolve(url: URL): DeliverOptions | undefined {
  const named = current().routes[`${url.pathname}${url.search}`];
  if (named !== undefined) return named;
  if (!url.pathname.startsWith(RAW_PREFIX)) return undefined;
  try {
    return { key: decodeURIComponent(url.pathname.slice(RAW_PREFIX.length)) };
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding', { cause: error });
  }
}

function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set`);
  return value;
}
