import type { Readable } from 'node:stream';
import { takeWholeBody } from '@sendoff/core';
import { readFailure } from './read-failure.js';

/**
 * Bodies up to this length are read whole before the Response is made: no more than one read of a
 * file stream (its default highWaterMark), so no more memory than a streamed body holds anyway.
 */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * The body of a small stream plan: the source read to its end, as bytes the server writes with
 * the head in one go (no web stream, no read loop per response). A source that fails or closes
 * early gives instead a web stream of the bytes read so far that then errors, so the server sends
 * the planned head and breaks the connection off, exactly as for a streamed body.
 */
export function smallBodyOf(source: Readable): Promise<Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>> {
  // Read whole by the storage when it was opened: nothing left to read.
  const whole = takeWholeBody(source);
  if (whole !== undefined) return Promise.resolve(whole as Buffer<ArrayBuffer>);
  return new Promise((resolve) => {
    const chunks: Buffer<ArrayBuffer>[] = [];
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      resolve(failingStream(chunks, readFailure(error)));
    };
    source.on('data', (chunk: Buffer<ArrayBuffer>) => chunks.push(chunk));
    source.on('error', fail);
    source.on('close', () => fail(new Error('the source closed before its end')));
    source.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
  });
}

/** The chunks one read at a time, then `error` (erroring at once would drop the chunks still queued). */
function failingStream(chunks: readonly Buffer[], error: Error): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (next < chunks.length) controller.enqueue(chunks[next++]!);
        else controller.error(error);
      },
    },
    { highWaterMark: 0 },
  );
}
