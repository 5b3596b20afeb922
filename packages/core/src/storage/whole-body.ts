/**
 * A body already read whole when its stream was opened: LocalStorage reads a range of up to 64 KiB
 * (one read of a file stream anyway) into memory in one go, checked to be exactly the range, so the
 * download needs no file stream, no length guard and no pipe. It is still a Readable (any consumer
 * can pipe it); an adapter that can write bytes at once takes them with `takeWholeBody`.
 */
import { Readable } from 'node:stream';

export class WholeBody extends Readable {
  #bytes: Buffer | undefined;

  constructor(bytes: Buffer) {
    super();
    this.#bytes = bytes;
  }

  /** Bytes not yet handed out (by a read or by `takeBytes`); 0 once they have been. */
  get byteLength(): number {
    return this.#bytes?.length ?? 0;
  }

  override _read(): void {
    const bytes = this.#bytes;
    this.#bytes = undefined;
    if (bytes !== undefined && bytes.length > 0) this.push(bytes);
    this.push(null);
  }

  /** The bytes, if no read has started; the stream then ends empty, so whoever tracks it sees it end. */
  takeBytes(): Buffer | undefined {
    const bytes = this.#bytes;
    if (bytes === undefined || this.destroyed || this.readableFlowing !== null) return undefined;
    this.#bytes = undefined;
    this.push(null);
    this.resume();
    return bytes;
  }
}

/**
 * The whole body of `stream` when it holds it in memory already (a small local file, read when it
 * was opened) and nobody has started reading it: the bytes to write at once, and the stream ends
 * empty ('end', then 'close'). Otherwise undefined, and the stream is untouched: pipe it. Adapters
 * use it to send a small download with its head in one write instead of piping a stream.
 */
export function takeWholeBody(stream: Readable): Buffer | undefined {
  return stream instanceof WholeBody ? stream.takeBytes() : undefined;
}

/** How many bytes `stream` holds in memory, unread, when it is a body read whole; else undefined. */
export function wholeLength(stream: Readable): number | undefined {
  return stream instanceof WholeBody && stream.readableFlowing === null && !stream.destroyed ? stream.byteLength : undefined;
}
