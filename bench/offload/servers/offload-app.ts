/**
 * The application under test, in its own process: one Koa app with
 *   GET /accel/<key>   a download answered with X-Accel-Redirect (policy + stat + plan, no body)
 *   GET /accel-cached/<key>  the same over a LocalStorage with `cache: { maxAgeMs: 1000 }` (a hot
 *                      file's checked lookup reused for up to a second: no file-system call)
 *   GET /direct/<key>  the same download streamed by the app itself (directStream)
 *   GET /bare          a fixed X-Accel-Redirect header on an empty 200 (the floor of any route)
 *   GET /resolve/<key> the file-system part of a download (key validation, stat + locate), then
 *                      the bare answer: how much of the download route's cost is resolving the file
 *   GET /api/status    a small JSON answer (the route whose latency is measured)
 * Arguments: <files root> <internal prefix>.
 */
import { createServer } from 'node:http';
import Koa, { type Context } from 'koa';
import { LocalStorage, SendoffError, createDelivery, directStream, validateKey, xAccel, type Deliverer } from '@sendoff/core';
import { deliver } from '@sendoff/koa';
import { announce, rootFromArgv } from '../../direct-stream/servers/announce.js';
import { BARE_ACCEL_TARGET, ROUTES } from '../routes.js';

const root = rootFromArgv();
const prefix = process.argv[3] ?? '';
const storage = new LocalStorage({ root });

const accelerated = createDelivery({
  environment: 'production',
  storage,
  strategies: [xAccel({ root, prefix }), directStream()],
  policy: { rules: [{ name: 'offload in production', use: 'xAccel', environment: 'production' }], fallback: 'directStream' },
});

const acceleratedCached = createDelivery({
  environment: 'production',
  storage: new LocalStorage({ root, cache: { maxAgeMs: 1000 } }),
  strategies: [xAccel({ root, prefix }), directStream()],
  policy: { rules: [{ name: 'offload in production', use: 'xAccel', environment: 'production' }], fallback: 'directStream' },
});

const streamed = createDelivery({
  environment: 'production',
  storage,
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

/** The key after a route prefix; a malformed escape is the client's error. */
function keyAfter(ctx: Context, routePrefix: string): string {
  try {
    return decodeURIComponent(ctx.path.slice(routePrefix.length));
  } catch (error) {
    throw new SendoffError('BAD_REQUEST', 'malformed percent-encoding in the path', { cause: error });
  }
}

async function download(ctx: Context, deliverer: Deliverer, routePrefix: string): Promise<void> {
  await deliver(ctx, deliverer, { key: keyAfter(ctx, routePrefix) });
}

function bare(ctx: Context): void {
  ctx.status = 200;
  ctx.body = '';
  ctx.remove('Content-Type');
  ctx.set('X-Accel-Redirect', BARE_ACCEL_TARGET);
}

/** What the Deliverer does before choosing: validate the key, then stat and locate it together. */
async function resolveOnly(ctx: Context): Promise<void> {
  const key = validateKey(keyAfter(ctx, ROUTES.resolve));
  await Promise.all([storage.stat(key), storage.locate(key)]);
  bare(ctx);
}

function status(ctx: Context): void {
  ctx.body = { status: 'ok', directStreamsInFlight: streamed.inFlight };
}

const app = new Koa();
// Clients cut at the end of a run make Koa log "premature close" for every in-flight response.
app.silent = true;
app.use(async (ctx) => {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') throw new SendoffError('BAD_REQUEST', 'only GET and HEAD', { status: 405 });
  if (ctx.path === ROUTES.status) return status(ctx);
  if (ctx.path === ROUTES.bare) return bare(ctx);
  if (ctx.path.startsWith(ROUTES.accel)) return download(ctx, accelerated, ROUTES.accel);
  if (ctx.path.startsWith(ROUTES.accelCached)) return download(ctx, acceleratedCached, ROUTES.accelCached);
  if (ctx.path.startsWith(ROUTES.resolve)) return resolveOnly(ctx);
  if (ctx.path.startsWith(ROUTES.direct)) return download(ctx, streamed, ROUTES.direct);
  throw new SendoffError('NOT_FOUND', 'not found');
});
announce(createServer(app.callback()));
