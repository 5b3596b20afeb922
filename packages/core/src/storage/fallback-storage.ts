/**
 * Read-through over several storages, for a migration window: reads use the first storage that
 * has the key (NOT_FOUND moves on to the next, any other error stops), writes go to the first.
 *
 * `locate` answers with the location of the storage that *holds* the file (found by `stat`), since
 * some storages (S3) name where an object would be without asking whether it is there. The
 * Deliverer's parallel `stat` + `locate` share one lookup while it is in progress; nothing is
 * cached after it settles.
 */
import type { Readable } from 'node:stream';
import type { FileLocation, FileStat, Key, LocationKind, OpenOptions, PutMeta, Storage } from '../contracts.js';
import { SendoffError, configInvalid, notFound } from '../errors/index.js';

export class FallbackStorage implements Storage {
  readonly locationKinds: readonly LocationKind[];
  /** The local roots of its storages, in order. */
  readonly localRoots: readonly string[];
  readonly storages: readonly Storage[];
  readonly #lookups = new Map<Key, Promise<{ storage: Storage; stat: FileStat }>>();

  constructor(storages: readonly Storage[]) {
    if (!Array.isArray(storages) || storages.length === 0) {
      throw configInvalid('FallbackStorage needs at least one storage');
    }
    this.storages = [...storages];
    this.locationKinds = [...new Set(storages.flatMap((storage) => storage.locationKinds))];
    this.localRoots = [...new Set(storages.flatMap((storage) => storage.localRoots ?? []))];
  }

  async stat(key: Key): Promise<FileStat> {
    return (await this.#holderOf(key)).stat;
  }

  open(key: Key, options?: OpenOptions): Promise<Readable> {
    return this.#firstThatHas((storage) => storage.open(key, options));
  }

  async locate(key: Key): Promise<FileLocation> {
    return (await this.#holderOf(key)).storage.locate(key);
  }

  put(key: Key, body: Readable | Buffer, meta?: PutMeta): Promise<FileStat> {
    return (this.storages[0] as Storage).put(key, body, meta);
  }

  /** The first storage that holds `key`, with its stat; concurrent callers share one lookup. */
  #holderOf(key: Key): Promise<{ storage: Storage; stat: FileStat }> {
    const pending = this.#lookups.get(key);
    if (pending) return pending;
    const lookup = this.#firstThatHas(async (storage) => ({ storage, stat: await storage.stat(key) }));
    this.#lookups.set(key, lookup);
    const forget = (): void => {
      this.#lookups.delete(key);
    };
    lookup.then(forget, forget);
    return lookup;
  }

  async #firstThatHas<T>(read: (storage: Storage) => Promise<T>): Promise<T> {
    let lastMiss: unknown;
    for (const storage of this.storages) {
      try {
        return await read(storage);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        lastMiss = error;
      }
    }
    throw notFound(lastMiss);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof SendoffError && error.code === 'NOT_FOUND';
}
