/**
 * The adapter conformance kit against `reply.sendoff()` on Fastify 5 (a real listening server,
 * Fastify's own 404, error handler and HEAD routes): directStream, and xAccel behind the real
 * nginx its generated config runs.
 */
import Fastify from 'fastify';
import { runServer } from '@sendoff-tools/web-servers';
import { describeAdapterConformance } from '@sendoff/core/testing';
import { sendoff } from '../src/index.js';
import { listen } from './app.js';

describeAdapterConformance({
  name: '@sendoff/fastify on Fastify 5',
  serve: async (deliverer, resolve) => {
    const app = Fastify();
    await app.register(sendoff, { deliverer });
    app.get('/*', async (request, reply) => {
      const options = resolve(request.url);
      if (options === undefined) return reply.callNotFound();
      return reply.sendoff(options);
    });
    return listen(app);
  },
  nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
});
