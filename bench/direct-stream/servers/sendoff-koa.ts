/**
 * Contender (a): Koa + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, mounted with the Koa adapter's `sendoff()` middleware, as an application would.
 */
import { createServer } from 'node:http';
import Koa, { type Context } from 'koa';
import { LocalStorage, createDelivery, directStream } from '@sendoff/core';
import { sendoff } from '@sendoff/koa';
import { announce, rootFromArgv } from './announce.js';

const deliverer = createDelivery({
  environment: 'production',
  storage: new LocalStorage({ root: rootFromArgv() }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

/** The key is the URL path without its leading slash; undecodable paths go on to Koa's 404. */
function keyOf(ctx: Context): { key: string; disposition: 'inline' } | undefined {
  try {
    return { key: decodeURIComponent(ctx.path.slice(1)), disposition: 'inline' };
  } catch {
    return undefined;
  }
}

const app = new Koa();
// Clients cut at the end of a run make Koa log "premature close" for every in-flight response.
app.silent = true;
app.use(sendoff(deliverer, keyOf));
announce(createServer(app.callback()));
