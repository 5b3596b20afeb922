/**
 * Contender: Hono + sendoff. A Deliverer over LocalStorage whose policy always picks directStream,
 * answered with `deliverResponse` of @sendoff/fetch from a Hono route on @hono/node-server, as an
 * application would.
 */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { deliverResponse, errorResponse } from '@sendoff/fetch';
import { announce, rootFromArgv } from './announce.js';
import { directStreamDeliverer, downloadOf } from './deliverer.js';

const deliverer = directStreamDeliverer(rootFromArgv());
const app = new Hono();
app.get('*', (c) => {
  const download = downloadOf(c.req.path);
  if (download === undefined) return c.notFound();
  return deliverResponse(c.req.raw, deliverer, download);
});
app.onError((error) => errorResponse(error));
announce(createServer(getRequestListener(app.fetch)));
