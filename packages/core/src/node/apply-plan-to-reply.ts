import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { DeliveryPlan } from '../contracts.js';
import { takeWholeBody } from '../storage/whole-body.js';

/**
 * The part of a framework's reply object the applier uses: Fastify's reply (plain or under NestJS)
 * has it, and any reply that sets status and headers and sends a payload can offer it.
 */
export interface ReplyLike {
  /** The node:http response under the reply. */
  readonly raw: ServerResponse;
  readonly request: { readonly raw: IncomingMessage };
  code(statusCode: number): unknown;
  header(name: string, value: string): unknown;
  hasHeader(name: string): boolean;
  /** Sends the payload: a readable stream to pipe, the bytes of a small body, or nothing. */
  send(payload?: Readable | Buffer): unknown;
}

/**
 * Applies a plan through a framework's reply, so the framework's own lifecycle sends it (for
 * Fastify: `onSend` hooks, the stream piped with backpressure, destroyed when the client goes
 * away, the connection destroyed when the stream fails after the head). Nothing is set on the
 * reply before the plan's stream is open: a stream that fails to open rejects with the reply
 * untouched, for the framework's error handling to answer.
 *
 * HEAD: a stream plan is never opened and the reply announces the length it would have sent. Its
 * payload is an empty stream, because Fastify counts the bytes of any other payload (none, an empty
 * string) into a `Content-Length: 0`.
 *
 * Settles when the response is done: resolves once it finished or the client went away; a stream
 * not read to its end (the client went away, an `onSend` hook replaced or refused it) is destroyed
 * then, releasing its file handle; rejects with the stream's error when it failed.
 */
export async function applyPlanToReply(reply: ReplyLike, plan: DeliveryPlan): Promise<void> {
  const head = reply.request.raw.method === 'HEAD';
  const body = plan.body === 'stream' && !head ? await plan.open() : undefined;
  reply.code(plan.status);
  for (const [name, value] of Object.entries(plan.headers)) reply.header(name, value);
  if (plan.body === 'redirect') reply.header('location', plan.location);
  if (plan.body === 'stream' && !reply.hasHeader('content-length')) reply.header('content-length', String(plan.length));
  return sendAndSettle(reply, head ? Readable.from([]) : body);
}

/** Sends `body` (as bytes when the storage read it whole, see `takeWholeBody`) and settles once the response is done. */
function sendAndSettle(reply: ReplyLike, body: Readable | undefined): Promise<void> {
  const res = reply.raw;
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    body?.once('error', (error: Error) => {
      failure = error;
    });
    const settle = (): void => {
      // Not read to its end: the client went away, or an onSend hook replaced it (or failed).
      if (body !== undefined && !body.readableEnded) body.destroy();
      if (failure === undefined) resolve();
      else reject(failure);
    };
    if (res.closed) queueMicrotask(settle);
    else res.once('close', settle);
    reply.send(body === undefined ? undefined : (takeWholeBody(body) ?? body));
  });
}
