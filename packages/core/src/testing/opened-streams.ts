/**
 * A storage wrapper that hands every stream it opens (and the signal it was opened with) to the
 * test that waits for it: what the client-gone check of the adapter kit looks at.
 */
import type { Readable } from 'node:stream';
import type { Key, OpenOptions, Storage } from '../contracts.js';

export interface OpenedStream {
  stream: Readable;
  signal: AbortSignal | undefined;
}

export class OpenedStreams {
  #waiting: Array<(opened: OpenedStream) => void> = [];
  #ready: OpenedStream[] = [];

  /** `storage`, with every `open` reported here. */
  track(storage: Storage): Storage {
    return {
      locationKinds: storage.locationKinds,
      ...(storage.localRoots ? { localRoots: storage.localRoots } : {}),
      stat: (key, options) => storage.stat(key, options),
      locate: (key, options) => storage.locate(key, options),
      put: (key, body, meta) => storage.put(key, body, meta),
      open: async (key: Key, options?: OpenOptions): Promise<Readable> => {
        const stream = await storage.open(key, options);
        this.#report({ stream, signal: options?.signal });
        return stream;
      },
    };
  }

  /** The next stream opened (or the oldest one not asked for yet). */
  next(): Promise<OpenedStream> {
    const ready = this.#ready.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Forgets the streams nobody asked for. */
  clear(): void {
    this.#ready = [];
  }

  #report(opened: OpenedStream): void {
    const waiter = this.#waiting.shift();
    if (waiter) waiter(opened);
    else this.#ready.push(opened);
  }
}
