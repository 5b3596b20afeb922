/**
 * A storage over a LocalStorage whose files change size between the look-up a download is
 * planned from and the reading of their bytes, as files do when something else writes them:
 * `sizeOnRead(key)` is the size a file gets when it is opened (undefined: left alone). A smaller
 * size truncates the file right after its descriptor is open and before the first byte is read (a
 * file cut while it is read); a larger one appends bytes just before it is opened (a file that
 * grew since it was looked at). The size the caller expects is not passed on to the LocalStorage,
 * so what it reads reaches the stream's length guard.
 */
import { appendFile, stat, truncate } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { FileLocation, FileStat, Key, LocationKind, OpenOptions, PutMeta, Storage } from '../contracts.js';
import type { LocalStorage } from '../storage/local-storage.js';

/** The byte appended to a growing file. */
const GROWTH_BYTE = 0x2a;

export function resizedOnOpen(storage: LocalStorage, sizeOnRead: (key: Key) => number | undefined): Storage {
  return {
    locationKinds: storage.locationKinds as readonly LocationKind[],
    stat: (key: Key): Promise<FileStat> => storage.stat(key),
    locate: (key: Key): Promise<FileLocation> => storage.locate(key),
    put: (key: Key, body: Readable | Buffer, meta?: PutMeta): Promise<FileStat> => storage.put(key, body, meta),
    async open(key: Key, options?: OpenOptions): Promise<Readable> {
      const size = sizeOnRead(key);
      if (size === undefined) return storage.open(key, options);
      const { path } = await storage.locate(key);
      const before = (await stat(path)).size;
      if (size > before) await appendFile(path, Buffer.alloc(size - before, GROWTH_BYTE));
      // Not passed on: LocalStorage would refuse the grown file at once; the bytes are to reach the
      // length guard, as from a storage that cannot tell (an object longer than its HeadObject said).
      const { expectedSize: _expected, ...unchecked } = options ?? {};
      const stream = await storage.open(key, unchecked);
      if (size < before) await truncate(path, size);
      return stream;
    },
  };
}
