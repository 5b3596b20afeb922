import type { IncomingMessage } from 'node:http';
import type { Middleware } from 'koa';
import { lingerBeforeClosing } from './linger-before-closing.js';

/**
 * Answers that leave part of the request body unread (no token, a body over its limit, a failed
 * upload) close the connection: otherwise Node reads the rest of the body, however long, to keep
 * the connection for the next request. The close lingers, so a client still sending sees the answer.
 */
export function closeUnreadRequests(): Middleware {
  return async (ctx, next) => {
    await next();
    if (ctx.headerSent || !hasUnreadBody(ctx.req)) return;
    ctx.set('Connection', 'close');
    lingerBeforeClosing(ctx.req.socket);
  };
}

function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}
