/**
 * Read-through over several storages, for a migration window: reads use the first storage that
 * has the key (NOT_FOUND moves on to the next, any other error stops), writes go to the first.
 */
import type { Readable } from 'node:stream';
import type { FileLocation, FileStat, Key, LocationKind, OpenOptions, PutMeta, Storage } from '../contracts.js';
import { SendoffError, configInvalid, notFound } from '../errors/index.js';

export class FallbackStorage implements Storage {
  readonly locationKinds: readonly LocationKind[];
  readonly storages: readonly Storage[];

  constructor(storages: readonly Storage[]) {
    if (!Array.isArray(storages) || storages.length === 0) {
      throw configInvalid('FallbackStorage needs at least one storage');
    }
    this.storages = [...storages];
    this.locationKinds = [...new Set(storages.flatMap((storage) => storage.locationKinds))];
  }

  stat(key: Key): Promise<FileStat> {
    return this.#firstThatHas((storage) => storage.stat(key));
  }

  open(key: Key, options?: OpenOptions): Promise<Readable> {
    return this.#firstThatHas((storage) => storage.open(key, options));
  }

  locate(key: Key): Promise<FileLocation> {
    return this.#firstThatHas((storage) => storage.locate(key));
  }

  put(key: Key, body: Readable | Buffer, meta?: PutMeta): Promise<FileStat> {
    return (this.storages[0] as Storage).put(key, body, meta);
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
