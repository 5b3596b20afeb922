/**
 * sendoff on Fastify: GET /downloads/<key> sends the file stored under that key in FILES_ROOT.
 * In development Node streams it (Range, ETag / 304, HEAD); with NODE_ENV=production the app
 * answers an empty X-Accel-Redirect and nginx sends the bytes (its config:
 * `npx sendoff config nginx --root <FILES_ROOT> --prefix /_protected/`).
 *
 *   FILES_ROOT=./files PORT=3000 node --import tsx examples/fastify/server.ts
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import Fastify from 'fastify';
import { createDelivery, directStream, LocalStorage, xAccel } from '@sendoff/core';
import { sendoff } from '@sendoff/fastify';

const root = resolve(process.env.FILES_ROOT ?? 'files');
const deliverer = createDelivery({
  environment: process.env.NODE_ENV ?? 'development',
  storage: new LocalStorage({ root }),
  strategies: [directStream(), xAccel({ root, prefix: '/_protected/' })],
  policy: { rules: [{ name: 'nginx in production', environment: 'production', use: 'xAccel' }], fallback: 'directStream' },
});

const app = Fastify();
await app.register(sendoff, { deliverer });
app.get<{ Params: { '*': string } }>('/downloads/*', async (request, reply) => {
  // Your permission check goes here. A bad key is a 400, a missing file a 404 (Fastify's error handler).
  return reply.sendoff({ key: request.params['*'] });
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as AddressInfo).port })}\n`);
process.once('SIGTERM', () => void app.close());
