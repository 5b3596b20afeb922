import Koa from 'koa';
import type { Container } from 'inversify';
import type { Probe } from '@sendoff/core';
import { APP_TYPES } from './app-types.js';
import { errorHandler } from './http/error-handler.js';
import { buildRouter } from './http/routes.js';

const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ABORT_ERR']);

/** The Koa application: JSON errors first, then the routes. Server-side failures are logged. */
export function createKoaApp(container: Container, probe: Probe, log: (...args: unknown[]) => void = console.error): Koa {
  const app = new Koa();
  app.silent = true;
  // X-Forwarded-Proto / X-Forwarded-Host name the origin only when a trusted proxy sets them.
  app.proxy = container.get(APP_TYPES.Settings).trustProxy;
  app.on('error', (error: unknown) => {
    if (isWorthLogging(error)) log('request failed:', error);
  });
  const router = buildRouter(container, probe);
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
