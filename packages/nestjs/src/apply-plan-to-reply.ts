import { Readable } from 'node:stream';
import type { DeliveryPlan } from '@sendoff/core';
import type { FastifyReplyLike } from './platform.js';

/**
 * Applies a plan to a Fastify reply (Nest's Fastify platform), the Fastify way: `reply.code`, the
 * headers, then `reply.send` with the plan's stream (or none), so the `onSend` hooks see the
 * payload and Fastify pipes it (backpressure, the stream destroyed when the client goes away, the
 * connection destroyed when it fails after the head). Nothing is set on the reply before the
 * plan's stream is open: a stream that fails to open rejects with the reply untouched, and the
 * exception filter answers.
 *
 * The promise settles once the payload is handed to `reply.send`; `sendThroughReply` waits for
 * the response to be done.
 *
 * HEAD: a stream plan is never opened, and the reply announces the length it would have sent.
 * Its payload is an empty stream, because the HEAD route Fastify adds to a GET route counts the
 * bytes of any other payload (an empty string, none) into a `Content-Length: 0`.
 */
export async function applyPlanToReply(reply: FastifyReplyLike, plan: DeliveryPlan): Promise<void> {
  const payload = await payloadOf(plan, reply);
  reply.code(plan.status);
  for (const [name, value] of Object.entries(plan.headers)) reply.header(name, value);
  if (plan.body === 'stream' && !reply.hasHeader('content-length')) reply.header('content-length', String(plan.length));
  if (plan.body === 'redirect') reply.header('location', plan.location);
  reply.send(payload);
}

async function payloadOf(plan: DeliveryPlan, reply: FastifyReplyLike): Promise<Readable | undefined> {
  if (isHead(reply)) return Readable.from([]);
  return plan.body === 'stream' ? plan.open() : undefined;
}

function isHead(reply: FastifyReplyLike): boolean {
  return reply.request.raw.method === 'HEAD';
}
