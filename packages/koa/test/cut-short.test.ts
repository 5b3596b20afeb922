/**
 * A download whose file changes size after the plan announced its length, through the Koa
 * adapter: the adapter must not end the response as if it were whole. The connection is
 * destroyed (no error body after the 200 head, even with an error-rendering middleware in front),
 * and the app hears of the failure through Koa's 'error' event.
 */
import { once } from 'node:events';
import Koa from 'koa';
import { SendoffError } from '@sendoff/core';
import { describeCutShort } from '@sendoff/core/testing';
import { deliver } from '../src/index.js';
import { listen } from '@sendoff-tools/test-kit';

let app: Koa;

describeCutShort('@sendoff/koa', {
  async start(deliverer) {
    app = new Koa();
    app.silent = true;
    // What apps put first: render errors as JSON. It must never get to write after the head.
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (error) {
        ctx.status = error instanceof SendoffError ? error.status : 500;
        ctx.body = { error: { code: error instanceof SendoffError ? error.code : 'INTERNAL' } };
      }
    });
    app.use(async (ctx) => {
      await deliver(ctx, deliverer, { key: ctx.path.slice(1) });
    });
    return listen(app.callback());
  },
  async reported(transfer) {
    const reported = once(app, 'error') as Promise<[SendoffError]>;
    await transfer();
    return (await reported)[0];
  },
});
