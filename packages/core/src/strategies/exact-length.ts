/**
 * A stream plan promises its length (Content-Length) before the first byte leaves. The source can
 * still break that promise: a file cut or rewritten while it is read, one that grew since it was
 * looked at, an object body that ends early. `exactLength` passes the source's bytes through and
 * fails the stream when their count is not the promised one, so the adapter destroys the
 * connection and the client sees a broken transfer, never a short or clipped answer that looks
 * whole. The bytes that complete the promised length are held back until the source has ended:
 * a source that runs long never gets a whole-looking body out. A body the storage read whole when
 * it opened it (whole-body.ts) is checked at once: of exactly that length it passes as it is, of
 * another it is refused before the head (STORAGE_ERROR, thrown to the plan's `open`).
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { SendoffError } from '../errors/sendoff-error.js';
import { wholeLength } from '../storage/whole-body.js';

/**
 * `source` as a stream of exactly `length` bytes or an error; destroying it destroys `source`.
 * Wired by hand rather than with `stream.pipeline` (an AbortController and four listeners more per
 * download, a measurable share of a small file's cost): the source's error, or its close before
 * its end, fails the guard; the guard's close destroys the source.
 */
export function exactLength(source: Readable, length: number): Readable {
  // Read whole when it was opened: its length is known before any byte is out, and nothing can change it now.
  const whole = wholeLength(source);
  if (whole === length) return source;
  if (whole !== undefined) {
    source.destroy();
    throw lengthMismatch(`the file holds ${whole} bytes, not the ${length} announced`);
  }
  const guard = new LengthGuard(length);
  let ended = false;
  source.once('end', () => {
    ended = true;
  });
  // One failure per guard: a guard that already failed (a source running long) closes the source,
  // whose early close must not fail it a second time.
  const fail = (error: Error): void => {
    if (!guard.destroyed && guard.errored === null) guard.destroy(error);
  };
  source.on('error', fail);
  source.once('close', () => {
    if (!ended) fail(closedEarly());
  });
  guard.once('close', () => source.destroy());
  source.pipe(guard);
  return guard;
}

class LengthGuard extends Transform {
  #received = 0;
  /** The chunk that reached the promised length, sent once the source ends there. */
  #last: Buffer | undefined;

  constructor(private readonly length: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#received += chunk.length;
    if (this.#received > this.length) {
      callback(lengthMismatch(`the source sent more than the ${this.length} bytes announced`));
      return;
    }
    if (this.#received === this.length) {
      this.#last = chunk;
      callback();
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#received < this.length) {
      callback(lengthMismatch(`the source ended after ${this.#received} of the ${this.length} bytes announced`));
      return;
    }
    callback(null, this.#last);
  }
}

function closedEarly(): SendoffError {
  return lengthMismatch('the source closed before its end');
}

function lengthMismatch(message: string): SendoffError {
  return new SendoffError('STORAGE_ERROR', message, { expose: false });
}
