/**
 * Counts the direct streams this process is sending right now, for the `maxInFlight` and
 * `minInFlight` policy conditions.
 */
import type { Readable } from 'node:stream';

/** Told when a tracked stream starts and when it is uncounted. */
export interface InFlightListener {
  started(): void;
  ended(): void;
}

export class InFlightCounter {
  #current = 0;
  readonly #listener: InFlightListener | undefined;

  constructor(listener?: InFlightListener) {
    this.#listener = listener;
  }

  /** Streams tracked and not yet ended, closed or failed. */
  get current(): number {
    return this.#current;
  }

  /** Counts `stream` now and uncounts it once, on the first of end, close or error. */
  track(stream: Readable): Readable {
    if (stream.destroyed || stream.readableEnded) return stream;
    this.#current++;
    this.#listener?.started();
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      this.#current--;
      this.#listener?.ended();
      stream.off('end', release);
      stream.off('close', release);
      stream.off('error', release);
    };
    stream.once('end', release);
    stream.once('close', release);
    stream.once('error', release);
    return stream;
  }
}
