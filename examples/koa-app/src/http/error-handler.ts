import type { Context, Middleware } from 'koa';
import { STATUS_CODES } from 'node:http';
import { isSendoffError } from '@sendoff/core';
import { AppError } from './app-error.js';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
  429: 'TOO_MANY_REQUESTS',
};

/**
 * Renders every error as `{ error: { code, message } }` with its status. Messages of 5xx errors
 * (and of anything not meant for clients) are replaced by the status text: no stack, no path, no
 * delivery header already set by a plan. An error status nobody gave a body (no route, a 405 from
 * the router, a 416 plan) gets the same JSON shape and keeps its headers.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (isUnanswered(ctx)) renderStatus(ctx);
    } catch (error) {
      if (ctx.headerSent || !ctx.writable) throw error;
      const status = statusOf(error);
      if (status >= 500) ctx.app.emit('error', error, ctx);
      clearHeaders(ctx);
      if (isSendoffError(error) || error instanceof AppError) ctx.set({ ...error.headers });
      const code = status >= 500 ? 'INTERNAL' : codeOf(error, status);
      render(ctx, status, code, isExposed(error, status) ? (error as Error).message : STATUS_CODES[status] ?? 'Error');
    }
  };
}

function render(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { error: { code, message } };
}

/**
 * An error status without a body: no route, a router 405, or a delivery plan such as a 416 or 412
 * (its headers, e.g. `Content-Range: bytes *\/size`, stay).
 */
function isUnanswered(ctx: Context): boolean {
  return ctx.status >= 400 && (ctx.body === undefined || ctx.body === null || ctx.body === '');
}

function renderStatus(ctx: Context): void {
  const { status } = ctx;
  render(ctx, status, CODE_BY_STATUS[status] ?? 'ERROR', status === 404 ? 'no such route' : STATUS_CODES[status] ?? 'Error');
}

function statusOf(error: unknown): number {
  const candidate = (error as { status?: unknown; statusCode?: unknown } | null)?.status ?? (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof candidate === 'number' && candidate >= 400 && candidate <= 599 && STATUS_CODES[candidate] !== undefined ? candidate : 500;
}

function isExposed(error: unknown, status: number): boolean {
  return status < 500 && (error as { expose?: unknown } | null)?.expose === true;
}

/** Only our own error families carry a code meant for clients (a Node `code` such as ENOENT is not). */
function codeOf(error: unknown, status: number): string {
  if (error instanceof AppError || isSendoffError(error)) return error.code;
  return CODE_BY_STATUS[status] ?? 'ERROR';
}

function clearHeaders(ctx: Context): void {
  for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
}
