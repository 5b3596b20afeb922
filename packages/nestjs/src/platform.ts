import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReplyLike } from '@sendoff/core/node';

/**
 * What `@Req()` gives a controller: Node's `IncomingMessage` on the Express platform (Express's
 * request extends it), a Fastify request (with `raw`) on the Fastify platform.
 */
export type NestRequest = IncomingMessage | { readonly raw: IncomingMessage };

/**
 * The part of a Fastify reply the adapter uses (what `@Res()` gives on the Fastify platform): the
 * reply core's `applyPlanToReply` takes, whose `send` accepts any payload (Fastify's does).
 */
export interface FastifyReplyLike extends Omit<ReplyLike, 'send'> {
  send(payload?: unknown): unknown;
}

/**
 * What `@Res()` gives a controller: Node's `ServerResponse` on the Express platform (Express's
 * response extends it), a Fastify reply on the Fastify platform.
 */
export type NestResponse = ServerResponse | FastifyReplyLike;

export function isFastifyReply(res: NestResponse): res is FastifyReplyLike {
  const reply = res as Partial<FastifyReplyLike>;
  return typeof reply.code === 'function' && typeof reply.send === 'function' && reply.raw !== undefined;
}

export function rawRequestOf(req: NestRequest): IncomingMessage {
  return 'raw' in req ? req.raw : req;
}

export function rawResponseOf(res: NestResponse): ServerResponse {
  return isFastifyReply(res) ? res.raw : res;
}

/** Sets a header through the platform's own API (a Fastify reply keeps its headers until it sends). */
export function setResponseHeader(res: NestResponse, name: string, value: string): void {
  if (isFastifyReply(res)) res.header(name, value);
  else res.setHeader(name, value);
}
