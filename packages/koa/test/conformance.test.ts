/**
 * The adapter conformance kit against the Koa adapter's `sendoff()` middleware (a real listening
 * server, Koa's own 404 and error rendering): directStream, and xAccel behind the real nginx its
 * generated config runs.
 */
import Koa from 'koa';
import { describeAdapterConformance } from '@sendoff/core/testing';
import { listen } from '@sendoff-tools/test-kit';
import { runServer } from '@sendoff-tools/web-servers';
import { sendoff } from '../src/index.js';

describeAdapterConformance({
  name: '@sendoff/koa',
  serve: (deliverer, resolve) => {
    const app = new Koa();
    // Clients that leave mid-body make Koa log "premature close"; the kit checks what they cause.
    app.silent = true;
    app.use(sendoff(deliverer, (ctx) => resolve(ctx.url)));
    return listen(app.callback());
  },
  nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
});
