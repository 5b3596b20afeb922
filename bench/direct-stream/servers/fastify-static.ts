/** Peer: Fastify 5 + its own file sender, `reply.sendFile` of `@fastify/static`, serving the files root. */
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { announce, rootFromArgv } from './announce.js';

const app = Fastify();
await app.register(fastifyStatic, { root: rootFromArgv(), serve: false });
app.get<{ Params: { '*': string } }>('/*', async (request, reply) => reply.sendFile(request.params['*']));
await app.ready();
announce(app.server);
