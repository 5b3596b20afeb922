import Koa, { type Context } from 'koa';
import type { Container } from 'inversify';
import type { Probe } from '@sendoff/core';
import { APP_TYPES } from './app-types.js';
import { closeUnreadRequests } from './http/close-unread-requests.js';
import { errorHandler } from './http/error-handler.js';
import { buildRouter } from './http/routes.js';

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ABORT_ERR']);

/**
 * The Koa application: JSON errors first, then the routes. Server-side failures are logged with
 * their stack; a request the HTTP parser gave up on (a client that closed the connection
 * mid-upload) is one line; a client that went away is not logged.
 */
export function createKoaApp(container: Container, probe: Probe, log: (...args: unknown[]) => void = console.error): Koa {
  const app = new Koa();
  app.silent = true;
  // X-Forwarded-Proto / X-Forwarded-Host name the origin only when a trusted proxy sets them.
  app.proxy = container.get(APP_TYPES.Settings).trustProxy;
  // Behind a trusted proxy, the client is the last X-Forwarded-For entry (the proxy's), not the first.
  app.maxIpsCount = 1;
  app.on('error', (error: unknown, ctx?: Context) => {
    if (isBrokenRequest(error)) log(brokenRequestLine(error, ctx));
    else if (isWorthLogging(error)) log('request failed:', error);
  });
  const router = buildRouter(container, probe);
  app.use(closeUnreadRequests());
  app.use(errorHandler());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

function isWorthLogging(error: unknown): boolean {
  const { status, code, name } = (error ?? {}) as { status?: unknown; code?: unknown; name?: unknown };
  if (typeof status === 'number' && status < 500) return false;
  return !(CLIENT_GONE.has(String(code)) || name === 'AbortError');
}

/** An error of Node's HTTP parser (`HPE_…`): the request itself broke off or was malformed. */
function isBrokenRequest(error: unknown): error is Error & { code: string } {
  return error instanceof Error && String((error as { code?: unknown }).code).startsWith('HPE_');
}

function brokenRequestLine(error: Error & { code: string }, ctx: Context | undefined): string {
  const request = ctx ? `${ctx.method} ${ctx.path}` : 'a request';
  return `request failed: ${request}: the client sent an incomplete or malformed request (${error.code})`;
}
