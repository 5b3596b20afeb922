/** Peer of the Hono contender: Hono + serveStatic of @hono/node-server serving the files root. */
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { announce, rootFromArgv } from './announce.js';

const app = new Hono();
app.use('*', serveStatic({ root: rootFromArgv() }));
announce(createServer(getRequestListener(app.fetch)));
