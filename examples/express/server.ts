/**
 * sendoff on Express: GET /downloads/<key> sends the file stored under that key in FILES_ROOT.
 * In development Node streams it (Range, ETag / 304, HEAD); with NODE_ENV=production the app
 * answers an empty X-Accel-Redirect and nginx sends the bytes (its config:
 * `npx sendoff config nginx --root <FILES_ROOT> --prefix /_protected/`).
 *
 *   FILES_ROOT=./files PORT=3000 node --import tsx examples/express/server.ts
 */
import { STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import express, { type ErrorRequestHandler } from 'express';
import { createDelivery, directStream, isSendoffError, LocalStorage, xAccel } from '@sendoff/core';
import { deliver } from '@sendoff/express';

const root = resolve(process.env.FILES_ROOT ?? 'files');
const deliverer = createDelivery({
  environment: process.env.NODE_ENV ?? 'development',
  storage: new LocalStorage({ root }),
  strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
  policy: { rules: [{ name: 'nginx in production', environment: 'production', use: 'xAccel' }], fallback: 'directStream' },
});

const app = express();
app.get('/downloads/*key', async (req, res) => {
  // Your permission check goes here. A bad key is a 400, a missing file a 404 (through next(err)).
  await deliver(req, res, deliverer, { key: req.params.key.join('/') });
});

// A refusal as its status, headers and message (any other error as its status text only):
// Express's own handler shows the error's stack, with source paths, outside production.
const renderError: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const exposed = isSendoffError(error) && error.expose;
  const status = isSendoffError(error) ? error.status : 500;
  if (!exposed) console.error(error);
  res.status(status).set(exposed ? error.headers : {}).type('text/plain').send(exposed ? error.message : STATUS_CODES[status]);
};
app.use(renderError);

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
