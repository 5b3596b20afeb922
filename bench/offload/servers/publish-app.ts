/**
 * The offload route alone, for the cost of the diagnostics channels: GET /accel/<key> answered
 * with X-Accel-Redirect through `@sendoff/koa` `deliver()`, and GET /api/deliveries (what the
 * subscriber counted). Arguments: <files root> <internal prefix> <none|subscriber> [core module].
 * The core module (default `@sendoff/core`) lets the same app run on another copy of the core's
 * sources, such as main's before the channels existed.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import type * as Core from '@sendoff/core';
import { deliver } from '@sendoff/koa';
import { announce, rootFromArgv } from '../../direct-stream/servers/announce.js';
import { ROUTES } from '../routes.js';

const root = rootFromArgv();
const prefix = process.argv[3] ?? '';
const mode = process.argv[4] ?? 'none';
const coreModule = process.argv[5];
const core = (await import(coreModule === undefined ? '@sendoff/core' : pathToFileURL(coreModule).href)) as typeof Core;

const deliverer = core.createDelivery({
  environment: 'production',
  storage: new core.LocalStorage({ root }),
  strategies: [core.xAccel({ root, prefix }), core.directStream()],
  policy: { rules: [{ name: 'offload in production', use: 'xAccel', environment: 'production' }], fallback: 'directStream' },
});

/** What a light subscriber does: count deliveries by strategy and status as they settle. */
const counted = new Map<string, number>();
if (mode === 'subscriber') {
  tracingChannel<unknown, Core.DeliveryMessage>('sendoff:deliver').asyncEnd.subscribe((published) => {
    const message = published as Core.DeliveryMessage;
    const label = `${message.strategy ?? 'none'} ${message.status ?? 500}`;
    counted.set(label, (counted.get(label) ?? 0) + 1);
  });
}

const app = new Koa();
app.silent = true;
app.use(async (ctx) => {
  if (ctx.path === ROUTES.deliveries) {
    ctx.body = Object.fromEntries(counted);
    return;
  }
  if (!ctx.path.startsWith(ROUTES.accel)) throw new core.SendoffError('NOT_FOUND', 'not found');
  await deliver(ctx, deliverer, { key: decodeURIComponent(ctx.path.slice(ROUTES.accel.length)) });
});
announce(createServer(app.callback()));
