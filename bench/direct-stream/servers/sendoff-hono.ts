/**
 * Contender: Hono + sendoff. The same Deliverer as the Koa contender (LocalStorage, directStream
 * always), answered with `deliverResponse` of @sendoff/fetch from a Hono route on
 * @hono/node-server, as an application would.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { LocalStorage, createDelivery, directStream } from '@sendoff/core';
import { deliverResponse, errorResponse } from '@sendoff/fetch';
import { announce, rootFromArgv } from './announce.js';

const deliverer = createDelivery({
  environment: 'production',
  storage: new LocalStorage({ root: rootFromArgv() }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

/** The key is the URL path without its leading slash; undecodable paths go on to Hono's 404. */
function keyOf(path: string): string | undefined {
  try {
    return decodeURIComponent(path.slice(1));
  } catch {
    return undefined;
  }
}

const app = new Hono();
app.get('*', (c) => {
  const key = keyOf(c.req.path);
  if (key === undefined) return c.notFound();
  return deliverResponse(c.req.raw, deliverer, { key, disposition: 'inline' });
});
app.onError((error) => errorResponse(error));
announce(createServer(getRequestListener(app.fetch)));
