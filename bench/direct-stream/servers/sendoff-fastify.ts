/**
 * Contender: Fastify 5 + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, through `reply.sendoff()` of the `@sendoff/fastify` plugin, as an application would.
 */
import Fastify from 'fastify';
import { sendoff } from '@sendoff/fastify';
import { announce, rootFromArgv } from './announce.js';
import { directStreamDeliverer } from './deliverer.js';

const app = Fastify();
await app.register(sendoff, { deliverer: directStreamDeliverer(rootFromArgv()) });
app.get<{ Params: { '*': string } }>('/*', async (request, reply) => reply.sendoff({ key: request.params['*'], disposition: 'inline' }));
await app.ready();
announce(app.server);
