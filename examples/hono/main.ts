/**
 * sendoff under Hono on Node: `GET /files/<key>` sends a file of FILES_ROOT to a client that shows
 * the download token. Range, HEAD, 304 and the rest come from the Deliverer; refusals (a bad key:
 * 400, a missing file: 404) are rendered by `errorResponse` in `app.onError`.
 *
 *   FILES_ROOT=./files DOWNLOAD_TOKEN=let-me-in PORT=3000 npm start
 *   curl -H 'Authorization: Bearer let-me-in' -r 0-99 http://127.0.0.1:3000/files/docs/report.pdf
 */
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createDelivery, directStream, LocalStorage } from '@sendoff/core';
import { deliverResponse, errorResponse } from '@sendoff/fetch';

const token = process.env['DOWNLOAD_TOKEN'] ?? 'let-me-in';
const deliverer = createDelivery({
  storage: new LocalStorage({ root: resolve(process.env['FILES_ROOT'] ?? 'files') }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

const app = new Hono();

app.get('/files/:key{.+}', async (c) => {
  // Your permission check: who may download this key.
  if (c.req.header('authorization') !== `Bearer ${token}`) return c.text('Unauthorized', 401);
  return deliverResponse(c.req.raw, deliverer, { key: c.req.param('key') });
});

app.onError((error) => errorResponse(error));

serve({ fetch: app.fetch, hostname: process.env['HOST'] ?? '127.0.0.1', port: Number(process.env['PORT'] ?? 3000) }, (info) => {
  console.log(`sendoff Hono example listening on http://${info.address}:${info.port}`);
});
