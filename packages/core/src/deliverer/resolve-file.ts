/**
 * The file of one download: where it is, and its facts (recorded by the app, or looked up in the
 * storage when something reads one the app did not give; see file-facts.ts).
 */
import type { FileLocation, FileStat, Key, LookupOptions, ResolvedFile, Storage } from '../contracts.js';
import { notFound } from '../errors/sendoff-error.js';
import { hasExpectedSize } from '../storage/expected-size.js';
import { ALL_FACTS, fileFacts, type FileFacts } from './file-facts.js';
import type { DeliverOptions } from './types.js';

/**
 * Locates the file. With nothing recorded, the storage is asked for its stat alongside, as it
 * always is, and so is a storage whose `locate` looks the file up anyway (the stat shares that
 * lookup); otherwise only when something needs a fact the app did not give.
 */
export async function resolveFile(storage: Storage, key: Key, options: DeliverOptions): Promise<{ file: ResolvedFile; facts: FileFacts }> {
  const lookup = lookupOf(options);
  const facts = fileFacts(options.recorded, () => statOfSize(storage, key, lookup));
  const lookUpNow = options.recorded === undefined || storage.locateLooksUp === true;
  const location = await locateWithFacts(storage, key, lookup, facts, lookUpNow);
  return { file: resolvedFile(storage, key, facts, location), facts };
}

/** The expected size: the recorded size, or `expectedSize`. */
function lookupOf(options: DeliverOptions): LookupOptions | undefined {
  const expectedSize = options.recorded?.size ?? options.expectedSize;
  return expectedSize === undefined ? undefined : { expectedSize };
}

/** The storage's stat of `key`; NOT_FOUND when it holds another size than expected. */
async function statOfSize(storage: Storage, key: Key, lookup: LookupOptions | undefined): Promise<FileStat> {
  const stat = await storage.stat(key, lookup);
  if (!hasExpectedSize(stat, lookup)) throw notFound();
  return stat;
}

/** Where the file is; with `lookUpNow`, the file's stat is looked up alongside. */
async function locateWithFacts(storage: Storage, key: Key, lookup: LookupOptions | undefined, facts: FileFacts, lookUpNow: boolean): Promise<FileLocation> {
  if (!lookUpNow) return storage.locate(key, lookup);
  const [location] = await Promise.all([storage.locate(key, lookup), facts.ensure(ALL_FACTS)]);
  return location;
}

/** The file the policy and the strategy see; the bytes come from the copy of the known size (a FallbackStorage reads the storage holding it). */
function resolvedFile(storage: Storage, key: Key, facts: FileFacts, location: FileLocation): ResolvedFile {
  return {
    key,
    get stat() {
      return facts.stat;
    },
    location,
    open: (openOptions) => {
      const size = facts.knownSize;
      return storage.open(key, { ...(size === undefined ? {} : { expectedSize: size }), ...openOptions });
    },
  };
}
