import type { Readable } from 'node:stream';
import { readFailure } from './read-failure.js';

/**
 * A web `ReadableStream` over a Node `Readable`, pulled: the source flows only while the consumer
 * has asked for a chunk and is paused again as soon as one is handed over (the server writing the
 * response waits for its socket to drain before it asks again), so a slow client never makes the
 * file pile up in memory.
 *
 * - The source ending ends the stream; the source failing (a read error, or a length the plan
 *   did not announce: see exactLength in @sendoff/core) or closing before its end errors it, so
 *   the server breaks the connection off instead of ending a short body. The error the server
 *   sees is a SendoffError without the source's message: a server that prints it must not show a
 *   file path.
 * - Cancelling the stream (the server does when the client goes away) destroys the source, which
 *   closes its file handle or connection.
 *
 * Listeners rather than the source's async iterator: one chunk costs no promise of its own, which
 * shows on small files.
 */
export function webStreamOf(source: Readable): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const settle = (finish: () => void): void => {
          if (settled) return;
          settled = true;
          finish();
        };
        source.pause();
        source.on('data', (chunk: Uint8Array) => {
          if (settled) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.on('end', () => settle(() => controller.close()));
        source.on('error', (error: unknown) => settle(() => controller.error(readFailure(error))));
        source.on('close', () => settle(() => controller.error(readFailure(new Error('the source closed before its end')))));
      },
      pull() {
        if (!settled) source.resume();
      },
      cancel() {
        settled = true;
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
