/**
 * Open descriptors of hot files, shared by the downloads that read them (LocalStorage's opt-in
 * `cache`): a download of a file found and opened less than `maxAgeMs` ago reads it through the
 * same descriptor with positional reads, so it costs one read instead of open, fstat, read and
 * close. Each shared descriptor is retired `maxAgeMs` after it was opened (or earlier, when its
 * file is looked up again, forgotten or evicted) and closed once its last reader is done; at most
 * `maxOpen` are open at a time, further downloads open the file for themselves.
 */
import fs, { createReadStream, type ReadStream, type Stats } from 'node:fs';
import type { ByteRange } from '../contracts.js';

export interface SharedDescriptor {
  readonly stats: Stats;
  /** Set once retired: no new reader may use it. */
  readonly retired: boolean;
}

export interface SharedDescriptors {
  /** Takes `fd` (just opened and checked to be the file of `stats`) to share, or undefined at the bound (the caller keeps it). */
  adopt(fd: number, stats: Stats): SharedDescriptor | undefined;
  /** A stream of `range` through the descriptor; the descriptor stays open while it reads. */
  read(descriptor: SharedDescriptor, range: ByteRange, highWaterMark: number): ReadStream;
  /** No new readers; closed as soon as the current ones are done. */
  retire(descriptor: SharedDescriptor): void;
  /** Descriptors open now (retired ones still read included). */
  readonly open: number;
}

/**
 * The file-system functions a shared descriptor's stream uses: positional reads, and a close that
 * leaves the descriptor open (Node's stream still waits for a read under way before it reports
 * 'close', so the descriptor is never closed under a read).
 */
const KEEP_OPEN = {
  open: fs.open,
  read: fs.read,
  close: (_fd: number, callback: (error?: NodeJS.ErrnoException | null) => void) => callback(null),
};

interface Entry extends SharedDescriptor {
  readonly fd: number;
  retired: boolean;
  readers: number;
  timer: NodeJS.Timeout | undefined;
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
    adopt(fd, stats) {
      if (open >= maxOpen) return undefined;
      open++;
      const entry: Entry = { fd, stats, retired: false, readers: 0, timer: undefined };
      entry.timer = setTimeout(() => retire(entry), maxAgeMs);
      entry.timer.unref();
      return entry;
    },
    read(descriptor, range, highWaterMark) {
      const entry = descriptor as Entry;
      if (entry.retired) throw new Error('a retired descriptor was read');
      entry.readers++;
      const stream = createReadStream('', { fd: entry.fd, fs: KEEP_OPEN, start: range.start, end: range.end, highWaterMark });
      stream.once('close', () => {
        entry.readers--;
        closeIfIdle(entry);
      });
      return stream;
    },
    retire,
  };
}
