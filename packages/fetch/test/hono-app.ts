/**
 * A Hono app on @hono/node-server delivering through `deliverResponse`, as the tests start it:
 * 127.0.0.1 on an ephemeral port, `app.onError` rendering with `errorResponse`.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import type { DeliverOptions, PlanProvider } from '@sendoff/core';
import type { RunningApp } from '@sendoff/core/testing';
import { deliverResponse, errorResponse } from '../src/index.js';

/** What to deliver for a request path (with its query); `undefined`: nothing, Hono's 404. */
export type ResolveRequest = (urlPath: string) => DeliverOptions | undefined;

export interface HonoAppOptions {
  deliverer: PlanProvider<DeliverOptions>;
  resolve: ResolveRequest;
  /** Every error `app.onError` rendered, in order. */
  errors?: unknown[];
  /** Middleware that runs before the download route. */
  middleware?: MiddlewareHandler[];
}

export function createHonoApp({ deliverer, resolve, errors, middleware = [] }: HonoAppOptions): Hono {
  const app = new Hono();
  for (const handler of middleware) app.use(handler);
  app.get('*', async (c) => {
    const options = resolve(pathOf(c.req.raw.url));
    if (options === undefined) return c.notFound();
    return deliverResponse(c.req.raw, deliverer, options);
  });
  app.onError((error) => {
    errors?.push(error);
    return errorResponse(error);
  });
  return app;
}

/** Serves `app` on 127.0.0.1:0 until `close()`, which also drops open connections. */
export async function listenHono(app: Hono): Promise<RunningApp> {
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve(info.port));
  });
  const http = server as import('node:http').Server;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function pathOf(url: string): string {
  const { pathname, search } = new URL(url);
  return `${pathname}${search}`;
}
