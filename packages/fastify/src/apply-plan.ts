import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { DeliveryPlan } from '@sendoff/core';

/**
 * Applies a plan to a Fastify reply, the Fastify way: `reply.code`, `reply.headers`, then
 * `reply.send` with the plan's stream (or none), so the `onSend` hooks see the payload and Fastify
 * pipes it (backpressure, destroying it when the client goes away, destroying the connection when
 * it fails after the head). Nothing is set on the reply before the plan's stream is open: a stream
 * that fails to open rejects with the reply untouched, and Fastify's error handler (which keeps
 * the headers already set) answers with the error's status and headers alone.
 *
 * The promise settles once the payload is handed to `reply.send` (it does not resolve with the
 * reply: a reply is a thenable that settles when the response ends).
 *
 * HEAD: a stream plan is never opened, and the reply announces the length it would have sent.
 * Its payload is an empty stream, as `@fastify/send` does, because the HEAD route Fastify adds to
 * a GET route counts the bytes of any other payload into a `Content-Length: 0`.
 */
export async function applyPlan(reply: FastifyReply, plan: DeliveryPlan): Promise<void> {
  const payload = await payloadOf(plan, reply);
  reply.code(plan.status);
  reply.headers(plan.headers);
  if (plan.body === 'stream' && !reply.hasHeader('content-length')) reply.header('content-length', String(plan.length));
  if (plan.body === 'redirect') reply.header('location', plan.location);
  reply.send(payload);
}

async function payloadOf(plan: DeliveryPlan, reply: FastifyReply): Promise<Readable | undefined> {
  if (isHead(reply)) return Readable.from([]);
  return plan.body === 'stream' ? plan.open() : undefined;
}

function isHead(reply: FastifyReply): boolean {
  return reply.request.raw.method === 'HEAD';
}
