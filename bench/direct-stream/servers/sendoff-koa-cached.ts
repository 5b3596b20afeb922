/**
 * Contender: Koa + sendoff as in sendoff-koa.ts, over a LocalStorage with its opt-in lookup cache
 * (`cache: { maxAgeMs: 1000 }`): a hot file's real path and stats are reused for up to a second.
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import { sendoff } from '@sendoff/koa';
import { announce, rootFromArgv } from './announce.js';
import { BENCH_CACHE, directStreamDeliverer, downloadOf } from './deliverer.js';

const app = new Koa();
app.silent = true;
app.use(sendoff(directStreamDeliverer(rootFromArgv(), BENCH_CACHE), (ctx) => downloadOf(ctx.path)));
announce(createServer(app.callback()));
