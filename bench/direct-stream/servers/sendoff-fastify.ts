/**
 * Contender: Fastify 5 + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, through `reply.sendoff()` of the `@sendoff/fastify` plugin, as an application would.
 */
import Fastify from 'fastify';
import { LocalStorage, createDelivery, directStream } from '@sendoff/core';
import { sendoff } from '@sendoff/fastify';
import { announce, rootFromArgv } from './announce.js';

const deliverer = createDelivery({
  environment: 'production',
  storage: new LocalStorage({ root: rootFromArgv() }),
  strategies: [directStream()],
  policy: { rules: [], fallback: 'directStream' },
});

const app = Fastify();
await app.register(sendoff, { deliverer });
app.get<{ Params: { '*': string } }>('/*', async (request, reply) => reply.sendoff({ key: request.params['*'], disposition: 'inline' }));
await app.ready();
announce(app.server);
