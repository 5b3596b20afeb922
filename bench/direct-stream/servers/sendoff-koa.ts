/**
 * Contender (a): Koa + sendoff. A Deliverer over LocalStorage whose policy always picks
 * directStream, mounted with the Koa adapter's `sendoff()` middleware, as an application would.
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import { sendoff } from '@sendoff/koa';
import { announce, rootFromArgv } from './announce.js';
import { directStreamDeliverer, downloadOf } from './deliverer.js';

const app = new Koa();
// Clients cut at the end of a run make Koa log "premature close" for every in-flight response.
app.silent = true;
app.use(sendoff(directStreamDeliverer(rootFromArgv()), (ctx) => downloadOf(ctx.path)));
announce(createServer(app.callback()));
