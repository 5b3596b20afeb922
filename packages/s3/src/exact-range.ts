/**
 * S3-compatible servers do not all answer Range requests right (some send the whole object, or
 * the wrong bytes). The stream handed out must hold exactly the bytes asked for, because the
 * caller has already promised them in Content-Length and Content-Range.
 */
import { Readable } from 'node:stream';
import type { ByteRange } from '@sendoff/core';
import { SendoffError } from '@sendoff/core';

/** The first byte the server says it sent, from a `Content-Range: bytes a-b/size` answer. */
export function contentRangeStart(contentRange: string | undefined): number | undefined {
  return sentRangeOf(contentRange)?.start;
}

/** Whether the server sent exactly the range that was asked for. */
export function isExactRange(contentRange: string | undefined, range: ByteRange): boolean {
  const sent = sentRangeOf(contentRange);
  return sent !== undefined && sent.start === range.start && sent.end === range.end;
}

/** The bytes a `Content-Range: bytes a-b/size` answer says were sent. */
function sentRangeOf(contentRange: string | undefined): ByteRange | undefined {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange?.trim() ?? '');
  return match === null ? undefined : { start: Number(match[1]), end: Number(match[2]) };
}

/**
 * A stream of exactly `range` out of `body`, which starts at byte `bodyStart` of the object
 * (0 when the server ignored the Range header). Destroying the result destroys `body`.
 */
export function exactRange(body: Readable, bodyStart: number, range: ByteRange): Readable {
  if (bodyStart > range.start) {
    body.destroy();
    throw new SendoffError('STORAGE_ERROR', 'storage error', {
      expose: false,
      cause: new Error(`storage answered from byte ${bodyStart}, range starts at ${range.start}`),
    });
  }
  const sliced = Readable.from(sliceOf(body, range.start - bodyStart, range.end - range.start + 1), { objectMode: false });
  sliced.once('close', () => body.destroy());
  return sliced;
}

async function* sliceOf(body: Readable, skip: number, take: number): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let toTake = take;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let piece = chunk;
    if (toSkip > 0) {
      const skipped = Math.min(toSkip, piece.length);
      piece = piece.subarray(skipped);
      toSkip -= skipped;
    }
    if (piece.length === 0) continue;
    const taken = piece.subarray(0, Math.min(toTake, piece.length));
    toTake -= taken.length;
    yield taken;
    if (toTake === 0) return;
  }
  if (toTake > 0) throw new Error(`storage stream ended ${toTake} bytes early`);
}
