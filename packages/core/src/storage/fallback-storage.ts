/**
 * Read-through over several storages, for a migration window: reads use the first storage that
 * has the key (NOT_FOUND moves on to the next, any other error stops), writes go to the first.
 * With an `expectedSize`, a storage whose copy has another size counts as not having the key
 * yet: an object still being copied in is never read while the complete file is elsewhere.
 *
 * `locate` answers with the location of the storage that *holds* the file (found by `stat`), since
 * some storages (S3) name where an object would be without asking whether it is there; `open`
 * with an `expectedSize` reads from that storage too. The Deliverer's parallel `stat` + `locate`
 * share one lookup while it is in progress; nothing is cached after it settles.
 */
import type { Readable } from 'node:stream';
import type { FileLocation, FileStat, Key, LocationKind, LookupOptions, OpenOptions, PutMeta, Storage } from '../contracts.js';
import { SendoffError, configInvalid, notFound } from '../errors/sendoff-error.js';
import { hasExpectedSize } from './expected-size.js';

interface Holder {
  storage: Storage;
  stat: FileStat;
}

export class FallbackStorage implements Storage {
  readonly locationKinds: readonly LocationKind[];
  /** The local roots of its storages, in order. */
  readonly localRoots: readonly string[];
  readonly storages: readonly Storage[];
  /** Lookups under way, by key and expected size. */
  readonly #lookups = new Map<string, Promise<Holder>>();

  constructor(storages: readonly Storage[]) {
    if (!Array.isArray(storages) || storages.length === 0) {
      throw configInvalid('FallbackStorage needs at least one storage');
    }
    this.storages = [...storages];
    this.locationKinds = [...new Set(storages.flatMap((storage) => storage.locationKinds))];
    this.localRoots = [...new Set(storages.flatMap((storage) => storage.localRoots ?? []))];
  }

  async stat(key: Key, options?: LookupOptions): Promise<FileStat> {
    return (await this.#holderOf(key, options)).stat;
  }

  async open(key: Key, options?: OpenOptions): Promise<Readable> {
    if (options?.expectedSize === undefined) return this.#firstThatHas((storage) => storage.open(key, options));
    return (await this.#holderOf(key, options)).storage.open(key, options);
  }

  async locate(key: Key, options?: LookupOptions): Promise<FileLocation> {
    return (await this.#holderOf(key, options)).storage.locate(key, options);
  }

  put(key: Key, body: Readable | Buffer, meta?: PutMeta): Promise<FileStat> {
    return (this.storages[0] as Storage).put(key, body, meta);
  }

  /** The first storage that holds `key` (at the expected size), with its stat; concurrent callers share one lookup. */
  #holderOf(key: Key, options: LookupOptions | undefined): Promise<Holder> {
    const expectedSize = options?.expectedSize;
    const id = `${key}\u0000${expectedSize ?? ''}`;
    const pending = this.#lookups.get(id);
    if (pending) return pending;
    const lookup = this.#firstThatHas((storage) => holding(storage, key, expectedSize));
    this.#lookups.set(id, lookup);
    const forget = (): void => {
      this.#lookups.delete(id);
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

/** `storage` with its stat of `key`; NOT_FOUND when its copy has another size than expected. */
async function holding(storage: Storage, key: Key, expectedSize: number | undefined): Promise<Holder> {
  const options = expectedSize === undefined ? undefined : { expectedSize };
  const stat = await storage.stat(key, options);
  if (!hasExpectedSize(stat, options)) throw notFound();
  return { storage, stat };
}

function isNotFound(error: unknown): boolean {
  return error instanceof SendoffError && error.code === 'NOT_FOUND';
}
