/**
 * The adapter conformance kit against `deliverResponse` in a Hono app on @hono/node-server: the
 * handler returns the Response, `app.onError` renders refusals with `errorResponse`. directStream,
 * and xAccel behind the real nginx its generated config runs.
 */
import { runServer } from '@sendoff-tools/web-servers';
import { describeAdapterConformance } from '@sendoff/core/testing';
import { createHonoApp, listenHono } from './hono-app.js';

describeAdapterConformance({
  name: '@sendoff/fetch under Hono',
  serve: (deliverer, resolve) => listenHono(createHonoApp({ deliverer, resolve })),
  nginx: (strategy, upstream) => runServer({ server: 'nginx', strategy, upstream }),
});
