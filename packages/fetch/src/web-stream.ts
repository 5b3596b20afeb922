import type { Readable } from 'node:stream';
import { SendoffError, isSendoffError } from '@sendoff/core';

/**
 * A web `ReadableStream` over a Node `Readable`, pulled: a chunk is read from the source only
 * when the consumer asks for one (the server writing the response waits for its socket to drain
 * before it asks again), so a slow client never makes the file pile up in memory.
 *
 * - The source ending ends the stream; the source failing (a read error, or a length the plan
 *   did not announce: see exactLength in @sendoff/core) errors it, so the server breaks the
 *   connection off instead of ending a short body. The error the server sees is a SendoffError
 *   without the source's message: a server that prints it must not show a file path.
 * - Cancelling the stream (the server does when the client goes away) destroys the source, which
 *   closes its file handle or connection.
 */
export function webStreamOf(source: Readable): ReadableStream<Uint8Array> {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next().catch((error: unknown) => {
          throw readFailure(error);
        });
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel() {
        source.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}

function readFailure(error: unknown): SendoffError {
  if (isSendoffError(error) && !error.expose) return error;
  return new SendoffError('STORAGE_ERROR', 'the file could not be read to the end', { expose: false, cause: error });
}
