import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { DeliveryPlan } from '@sendoff/core';
import { applyPlanToReply } from './apply-plan-to-reply.js';
import type { FastifyReplyLike } from './platform.js';

/**
 * Applies a plan through a Fastify reply and settles when the response is done: resolves when it
 * finished or the client went away; rejects with the body's error when the body failed (the
 * connection is destroyed by then, or nothing was sent and the exception filter answers).
 */
export async function sendThroughReply(reply: FastifyReplyLike, plan: DeliveryPlan): Promise<void> {
  const watched = watchBody(plan);
  await applyPlanToReply(reply, watched.plan);
  await finished(reply.raw).catch(() => undefined);
  if (watched.error !== undefined) throw watched.error;
}

interface WatchedBody {
  readonly plan: DeliveryPlan;
  /** The error the body stream failed with, once it has. */
  readonly error: unknown;
}

/** The same plan, whose stream (when it is opened) reports the error it fails with. */
function watchBody(plan: DeliveryPlan): WatchedBody {
  const watched = { plan, error: undefined as unknown };
  if (plan.body !== 'stream') return watched;
  const open = async (): Promise<Readable> => {
    const body = await plan.open();
    body.once('error', (error: unknown) => {
      watched.error = error;
    });
    return body;
  };
  watched.plan = { ...plan, open };
  return watched;
}
