/**
 * Open descriptors of hot files, shared by the downloads that read them (LocalStorage's opt-in
 * `cache`): a download of a file found and opened less than `maxAgeMs` ago reads it through the
 * same descriptor with positional reads, so it costs its reads and an fstat (after the last read,
 * see `keepOpen`) instead of open, fstat, reads and close. Each shared descriptor is retired
 * `maxAgeMs` after it was opened (or earlier, when its file is looked up again, forgotten or
 * evicted, or found changed in place by a reader) and closed once its last reader is done; at
 * most `maxOpen` are open at a time, further downloads open the file for themselves.
 */
import fs, { createReadStream, type ReadStream, type Stats } from 'node:fs';
import type { ByteRange } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';

export interface SharedDescriptor {
  readonly stats: Stats;
  /** Set once retired: no new reader may use it. */
  readonly retired: boolean;
}

export interface SharedDescriptors {
  /**
   * Takes `fd` (just opened and checked to be the file of `stats`) to share, or undefined at the
   * bound (the caller keeps it). `onStale` hears when a reader finds the file changed in place.
   */
  adopt(fd: number, stats: Stats, onStale?: () => void): SharedDescriptor | undefined;
  /** A stream of `range` through the descriptor; the descriptor stays open while it reads. */
  read(descriptor: SharedDescriptor, range: ByteRange, highWaterMark: number): ReadStream;
  /**
   * `range` read whole through the descriptor (one read), then checked like a stream's last read:
   * rejects when the file was cut or changed in place since it was shared.
   */
  readWhole(descriptor: SharedDescriptor, range: ByteRange): Promise<Buffer>;
  /** No new readers; closed as soon as the current ones are done. */
  retire(descriptor: SharedDescriptor): void;
  /** Descriptors open now (retired ones still read included). */
  readonly open: number;
}

type ReadCallback = (error: NodeJS.ErrnoException | null, bytesRead: number, buffer: Buffer) => void;

/**
 * The file-system functions a shared descriptor's stream uses: positional reads, and a close that
 * leaves the descriptor open (Node's stream still waits for a read under way before it reports
 * 'close', so the descriptor is never closed under a read). The read that reaches `end` is
 * reported only once an `fstat` shows the file still has the size and modification time it was
 * shared with: a file rewritten in place since (longer, shorter or the same size) fails the
 * stream instead of ending it, so the length guard never lets its last bytes out as a whole.
 */
function keepOpen(entry: Entry, end: number) {
  return {
    open: fs.open,
    read(fd: number, buffer: Buffer, offset: number, length: number, position: number, callback: ReadCallback): void {
      fs.read(fd, buffer, offset, length, position, (error, bytesRead) => {
        // A full read short of the end passes; the last one, or a short one (the file was cut), is checked.
        if (error || (bytesRead === length && position + bytesRead <= end)) {
          callback(error, bytesRead, buffer);
          return;
        }
        checkUnchanged(entry, (staleError) => callback(staleError, staleError ? 0 : bytesRead, buffer));
      });
    },
    close: (_fd: number, callback: (error?: NodeJS.ErrnoException | null) => void) => callback(null),
  };
}

/** Calls back with nothing when an `fstat` shows the shared file as it was shared, else (retiring it) with why not. */
function checkUnchanged(entry: Entry, callback: (error: NodeJS.ErrnoException | null) => void): void {
  fs.fstat(entry.fd, (statError, now) => {
    if (!statError && now.size === entry.stats.size && now.mtimeMs === entry.stats.mtimeMs) {
      callback(null);
      return;
    }
    entry.onStale();
    callback(statError ?? changedInPlace());
  });
}

/** `range` of the shared file in one positional read, checked afterwards; a short read is a file cut since. */
function readWholeOf(entry: Entry, range: ByteRange): Promise<Buffer> {
  const length = range.end - range.start + 1;
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    fs.read(entry.fd, buffer, 0, length, range.start, (error, bytesRead) => {
      if (error) return reject(error);
      checkUnchanged(entry, (staleError) => {
        if (staleError || bytesRead !== length) reject(staleError ?? changedInPlace());
        else resolve(buffer);
      });
    });
  });
}

/**
 * A SendoffError like LocalStorage's own: a stream that fails with it before its first byte is
 * answered as the 502 it is (Fastify renders a stream's error when the head is not out yet), not
 * as a 500 carrying this message.
 */
function changedInPlace(): SendoffError {
  return new SendoffError('STORAGE_ERROR', 'the shared file changed on disk since it was opened', { expose: false });
}

interface Entry extends SharedDescriptor {
  readonly fd: number;
  retired: boolean;
  readers: number;
  timer: NodeJS.Timeout | undefined;
  /** Heard when a reader finds the file changed since: the descriptor is retired already. */
  onStale: () => void;
}

export function sharedDescriptors(maxOpen: number, maxAgeMs: number): SharedDescriptors {
  let open = 0;

  const closeIfIdle = (entry: Entry): void => {
    if (!entry.retired || entry.readers > 0) return;
    open--;
    fs.close(entry.fd, () => undefined);
  };

  const retire = (descriptor: SharedDescriptor): void => {
    const entry = descriptor as Entry;
    if (entry.retired) return;
    entry.retired = true;
    clearTimeout(entry.timer);
    closeIfIdle(entry);
  };

  return {
    get open() {
      return open;
    },
    adopt(fd, stats, onStale = () => undefined) {
      if (open >= maxOpen) return undefined;
      open++;
      const entry: Entry = {
        fd,
        stats,
        retired: false,
        readers: 0,
        timer: undefined,
        onStale: () => {
          retire(entry);
          onStale();
        },
      };
      entry.timer = setTimeout(() => retire(entry), maxAgeMs);
      entry.timer.unref();
      return entry;
    },
    read(descriptor, range, highWaterMark) {
      const entry = descriptor as Entry;
      if (entry.retired) throw new Error('a retired descriptor was read');
      entry.readers++;
      const stream = createReadStream('', { fd: entry.fd, fs: keepOpen(entry, range.end), start: range.start, end: range.end, highWaterMark });
      stream.once('close', () => {
        entry.readers--;
        closeIfIdle(entry);
      });
      return stream;
    },
    async readWhole(descriptor, range) {
      const entry = descriptor as Entry;
      if (entry.retired) throw new Error('a retired descriptor was read');
      entry.readers++;
      try {
        return await readWholeOf(entry, range);
      } finally {
        entry.readers--;
        closeIfIdle(entry);
      }
    },
    retire,
  };
}
