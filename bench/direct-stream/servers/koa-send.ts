/** Peer (b): Koa + koa-send serving the files root. */
import { createServer } from 'node:http';
import Koa from 'koa';
import send from 'koa-send';
import { announce, rootFromArgv } from './announce.js';

const root = rootFromArgv();
const app = new Koa();
// Clients cut at the end of a run make Koa log "premature close" for every in-flight response.
app.silent = true;
app.use(async (ctx) => {
  await send(ctx, ctx.path, { root });
});
announce(createServer(app.callback()));
