import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { DeliveryPlan } from '@sendoff/core';
import type { FastifyReplyLike } from './platform.js';

/**
 * Applies a plan through a Fastify reply (Nest's Fastify platform), so the reply lifecycle stays
 * Fastify's: `onSend` hooks run, Fastify pipes the stream (backpressure, the stream destroyed
 * when the client goes away, the connection destroyed when the stream fails after the head) and
 * its HEAD routes answer HEAD. Nothing is set on the reply before the plan's stream is open, so a
 * plan that fails to open leaves the reply to the exception filter.
 *
 * Settles when the response is done: resolves when it finished or the client went away; rejects
 * with the body's error when the body failed (the connection is destroyed by then, or Fastify's
 * error handling answered when nothing was sent yet).
 */
export async function applyPlanToReply(plan: DeliveryPlan, reply: FastifyReplyLike): Promise<void> {
  const head = isHead(reply);
  const body = plan.body === 'stream' && !head ? await plan.open() : undefined;
  reply.code(plan.status);
  for (const [name, value] of Object.entries(plan.headers)) reply.header(name, value);
  if (plan.body === 'redirect') reply.header('location', plan.location);
  if (plan.body === 'stream' && !reply.hasHeader('content-length')) reply.header('content-length', String(plan.length));
  if (head) return sendAndWait(reply, announcedOnly());
  return sendAndWait(reply, body);
}

/**
 * The payload of every HEAD answer: Fastify keeps the Content-Length the plan announced for a
 * stream payload, where an empty string or no payload would reset it to 0 (Nest's StreamableFile
 * does the same).
 */
function announcedOnly(): Readable {
  return Readable.from([]);
}

async function sendAndWait(reply: FastifyReplyLike, payload: Readable | undefined): Promise<void> {
  let bodyError: unknown;
  payload?.once('error', (error: unknown) => {
    bodyError = error;
  });
  const done = finished(reply.raw).catch(() => undefined);
  reply.send(payload);
  await done;
  if (bodyError !== undefined) throw bodyError;
}

function isHead(reply: FastifyReplyLike): boolean {
  return reply.request.raw.method === 'HEAD';
}
