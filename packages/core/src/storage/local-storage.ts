/**
 * Files under one directory. A key maps to a path under the root, and every access checks the
 * real path (symlinks resolved) is still under the real root: anything else is "not found", so a
 * client cannot even learn that an escaping link exists. Keys come validated (`Key`, made by
 * `validateKey` where the input arrived); they are not checked again here, the real-path check
 * holds whatever the key.
 */
import { randomBytes } from 'node:crypto';
import fs, { constants as fsConstants, createReadStream, promises as fsp } from 'node:fs';
import type { ReadStream, Stats } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import mime from 'mime-types';
import type { ByteRange, FileStat, Key, LocalLocation, LookupOptions, OpenOptions, PutMeta, Storage } from '../contracts.js';
import { SendoffError, configInvalid, notFound } from '../errors/sendoff-error.js';
import { strongEtag } from '../http/etag.js';
import { foundFiles, type FoundFiles } from './found-files.js';
import { sharedDescriptors, type SharedDescriptor, type SharedDescriptors } from './shared-descriptors.js';
import { isMissing, readError, writeError } from './fs-errors.js';
import { WholeBody } from './whole-body.js';

// The real path was checked; refuse it if its last component was swapped for a link since.
// O_NONBLOCK: a FIFO swapped in cannot hang the open (it then fails the regular-file check).
const READ_NO_FOLLOW = fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0) | (fsConstants.O_NONBLOCK ?? 0);

const SMALL_CHUNK = 64 * 1024;
const LARGE_CHUNK = 256 * 1024;
const LARGE_BODY = 1024 * 1024;
/** Keys whose found file is kept for `open` (without a `cache`). */
const MAX_FOUND = 1024;
/** The longest `cache.maxAgeMs` accepted: a minute. */
const MAX_CACHE_AGE_MS = 60_000;
const DEFAULT_CACHE_ENTRIES = 10_000;
const DEFAULT_CACHE_OPEN_FILES = 128;

export interface LocalStorageOptions {
  /** The directory holding the files. Relative paths resolve against the working directory. */
  root: string;
  /**
   * Mode of every file `put` writes (e.g. `0o644`), set explicitly whatever the process umask.
   * Unset: 0o644 less the umask (a umask of 077 makes files only the app's user can read, which a
   * web server in front running as another user then cannot serve).
   */
  fileMode?: number;
  /** Mode of every directory `put` creates (e.g. `0o755`), set explicitly whatever the umask. */
  dirMode?: number;
  /**
   * Opt-in: reuse a key's lookup (its real path, checked to be under the root, and its stats) and
   * its open descriptor for up to `maxAgeMs`, so repeated downloads of a hot file skip `realpath`,
   * `stat`, `open` and `close`: the reads and one `fstat` each. Off by default. For up to
   * `maxAgeMs` after a file changes on disk it may still be announced with its old size, ETag and
   * Last-Modified, and a file replaced or deleted may still be served as it was; a stream never
   * sends more or fewer bytes than it announced (the transfer breaks instead), nor another file's
   * bytes or a file changed in place under the old announcement (the open or the transfer fails,
   * and the key is looked up again). A missing file is never cached, a cached one of another
   * size than a caller's `expectedSize` is looked up again, and `put` through this storage
   * forgets the key at once. See docs/benchmarks.md.
   */
  cache?: LocalStorageCacheOptions;
}

export interface LocalStorageCacheOptions {
  /** How long a lookup and a descriptor are reused, in milliseconds: 1 to 60 000. */
  maxAgeMs: number;
  /** How many keys are kept, the least recently found out first. Default 10 000. */
  maxEntries?: number;
  /** How many descriptors are kept open to share at most (0: none, lookups only). Default 128. */
  maxOpenFiles?: number;
}

export class LocalStorage implements Storage {
  readonly locationKinds = ['local'] as const;
  readonly root: string;
  /** `[root]`: where the offload strategies in front of this storage must serve from. */
  readonly localRoots: readonly string[];
  readonly #modes: Modes;
  #realRoot: Promise<string> | undefined;
  /** Lookups under way, by key: `stat` and `locate` of one request share one. Settled ones are dropped. */
  readonly #lookups = new Map<Key, Promise<Lookup>>();
  /** The latest file a lookup found, by key: `open` tries it first; with a `cache`, fresh ones answer lookups. */
  readonly #found: FoundFiles<Found>;
  /** With a `cache`: the descriptors hot files share. */
  readonly #shared: SharedDescriptors | undefined;

  constructor(options: LocalStorageOptions) {
    if (typeof options?.root !== 'string' || options.root.length === 0) {
      throw configInvalid('LocalStorage needs a non-empty `root` directory');
    }
    this.root = path.resolve(options.root);
    this.localRoots = [this.root];
    this.#modes = { file: checkedMode(options.fileMode, 'fileMode'), dir: checkedMode(options.dirMode, 'dirMode') };
    const cache = checkedCache(options.cache);
    this.#shared = cache && cache.maxOpenFiles > 0 ? sharedDescriptors(cache.maxOpenFiles, cache.maxAgeMs) : undefined;
    this.#found = foundFiles<Found>(cache?.maxEntries ?? MAX_FOUND, cache?.maxAgeMs, (found) => {
      if (found.shared) this.#shared?.retire(found.shared);
    });
  }

  async stat(key: Key, options?: LookupOptions): Promise<FileStat> {
    return (await this.#lookup(key, options?.expectedSize)).fileStat;
  }

  /**
   * Opens the file without following a last-component link and streams exactly the bytes the
   * descriptor's size allows. The file is the one the latest lookup of this key found and checked
   * when the descriptor proves it (same device and inode); otherwise the real path is resolved and
   * checked again, as the tree may have changed since. A found file changed in place since (size
   * or mtime) is forgotten, so the next lookup sees it as it is now. With a cache, the caller may
   * have announced a fresh found file's size and ETag: any other file, or that one changed, is
   * refused (STORAGE_ERROR, the key forgotten) rather than streamed under them. So is, with or
   * without a cache, a file of another size than the caller's `expectedSize` (the size it announced).
   */
  async open(key: Key, options: OpenOptions = {}): Promise<Readable> {
    options.signal?.throwIfAborted();
    // With a cache, the stats a fresh found file answered with (size, ETag) may be what the caller
    // announced. One of another size than the caller expects is not that file: look again.
    let fresh = this.#found.fresh(key);
    if (fresh && options.expectedSize !== undefined && fresh.stats.size !== options.expectedSize) {
      this.#found.forget(key);
      fresh = undefined;
    }
    if (fresh?.shared && !fresh.shared.retired) return this.#readShared(fresh.shared, options);
    const announced = fresh?.stats;
    const { fd, stats } = await this.#openFile(key);
    let adopted: SharedDescriptor | undefined;
    try {
      if (!stats.isFile()) throw notFound();
      // Not the file announced: another one than the fresh lookup found, or (whatever found it) of
      // another size than the caller expects, whose bytes in a range would pass for the announced file's.
      if ((announced && !isSameFile(stats, announced)) || (options.expectedSize !== undefined && stats.size !== options.expectedSize)) {
        this.#found.forget(key);
        throw changedSinceLookup();
      }
      if (options.range) checkRange(options.range, stats.size);
      adopted = this.#share(key, fd, stats);
    } catch (error) {
      fs.close(fd, () => undefined);
      throw readError(error);
    }
    if (adopted) return this.#readShared(adopted, options);
    const range = options.range ?? wholeFile(stats.size);
    if (isReadWhole(range)) return wholeBody(await readWholeAndClose(fd, range), options.signal);
    const stream = readStream(fd, range);
    if (options.signal) destroyOnAbort(stream, options.signal);
    return stream;
  }

  async locate(key: Key, options?: LookupOptions): Promise<LocalLocation> {
    return (await this.#lookup(key, options?.expectedSize)).location;
  }

  async put(key: Key, body: Readable | Buffer, meta: PutMeta = {}): Promise<FileStat> {
    const segments = key.split('/');
    const name = segments.pop() as string;
    try {
      await this.#makeRoot();
      const dir = await this.#makeDirectories(segments);
      const target = path.join(dir, name);
      await writeAtomically(target, body, meta, this.#modes.file);
      return toFileStat(target, await fsp.stat(target));
    } catch (error) {
      throw writeError(error);
    } finally {
      this.#found.forget(key);
    }
  }

  /**
   * The checked real path and stats of the regular file for `key`: a fresh cached one (opt-in
   * `cache`) unless it has another size than `expectedSize` (the caller knows the file changed),
   * else looked up. Concurrent calls for one key (the Deliverer's `stat` and `locate`) share a
   * single lookup; once it settles it is kept only as the key's found file.
   */
  #lookup(key: Key, expectedSize?: number): Promise<Lookup> {
    const cached = this.#found.fresh(key);
    if (cached && (expectedSize === undefined || cached.stats.size === expectedSize)) return cached.settled;
    const pending = this.#lookups.get(key);
    if (pending) return pending;
    const lookup = this.#findFile(key);
    this.#lookups.set(key, lookup);
    lookup.then((found) => {
      this.#lookups.delete(key);
      // Concurrent requests for one key share one lookup, so several opens may follow it; a later
      // lookup replaces it, a failed one drops it.
      this.#found.remember(key, { real: found.real, stats: found.stats, settled: lookup });
    }, () => {
      this.#lookups.delete(key);
      this.#found.forget(key);
    });
    return lookup;
  }

  /**
   * Shares `fd` (just opened and checked) as the descriptor of `key`'s fresh found file when there
   * is a cache, the file is unchanged since it was found and not empty, and the bound allows.
   */
  #share(key: Key, fd: number, stats: Stats): SharedDescriptor | undefined {
    const found = this.#found.fresh(key);
    if (!this.#shared || !found || (found.shared && !found.shared.retired) || stats.size === 0 || !isSameFile(stats, found.stats)) return undefined;
    // A reader that finds the file changed in place since has the key looked up again.
    const shared = this.#shared.adopt(fd, stats, () => {
      if (this.#found.latest(key) === found) this.#found.forget(key);
    });
    found.shared = shared;
    return shared;
  }

  async #readShared(shared: SharedDescriptor, options: OpenOptions): Promise<Readable> {
    const range = options.range ?? (wholeFile(shared.stats.size) as ByteRange);
    const descriptors = this.#shared as SharedDescriptors;
    try {
      checkRange(range, shared.stats.size);
      if (isReadWhole(range)) return wholeBody(await descriptors.readWhole(shared, range), options.signal);
    } catch (error) {
      throw readError(error);
    }
    const stream = descriptors.read(shared, range, chunkSize(range));
    if (options.signal) destroyOnAbort(stream, options.signal);
    return stream;
  }

  /** An open descriptor of the file for `key`, and its stats. */
  async #openFile(key: Key): Promise<OpenFile> {
    const found = this.#found.latest(key);
    if (found) {
      const opened = await openIfSameFile(found.real, found.stats);
      // Gone, replaced or changed in place since it was found: the next lookup looks again.
      if (!opened || !isUnchanged(opened.stats, found.stats)) this.#found.forget(key);
      if (opened) return opened;
    }
    const real = await this.#resolveExisting(key, await this.#rootPath());
    const fd = await openForReading(real).catch((error: unknown) => Promise.reject(readError(error)));
    try {
      return { fd, stats: await statOf(fd) };
    } catch (error) {
      fs.close(fd, () => undefined);
      throw readError(error);
    }
  }

  async #findFile(key: Key): Promise<Lookup> {
    const root = await this.#rootPath();
    const real = await this.#resolveExisting(key, root);
    const stats = await statOfPath(real).catch((error: unknown) => Promise.reject(readError(error)));
    if (!stats.isFile()) throw notFound();
    // Frozen: a cached lookup is shared by the requests that reuse it.
    return { real, stats, fileStat: Object.freeze(toFileStat(real, stats)), location: Object.freeze({ kind: 'local', root, path: real, key }) };
  }

  /** The real path of the existing file for `key`, or NOT_FOUND when it is missing or escapes. */
  async #resolveExisting(key: Key, root: string): Promise<string> {
    let real: string;
    try {
      real = await realPathOf(path.join(root, ...key.split('/')));
    } catch (error) {
      throw readError(error);
    }
    if (!isInside(root, real)) throw notFound();
    return real;
  }

  async #rootPath(): Promise<string> {
    this.#realRoot ??= fsp.realpath(this.root).catch((error: unknown) => {
      this.#realRoot = undefined;
      throw isMissing(error) ? notFound(error) : readError(error);
    });
    return this.#realRoot;
  }

  /** mkdir -p of the root; the directories it creates get `dirMode`. */
  async #makeRoot(): Promise<void> {
    const first = await fsp.mkdir(this.root, { recursive: true });
    if (first === undefined || this.#modes.dir === undefined) return;
    const created = path.relative(first, this.root).split(path.sep).filter(Boolean);
    for (let index = 0; index <= created.length; index++) {
      await fsp.chmod(path.join(first, ...created.slice(0, index)), this.#modes.dir);
    }
  }

  /** mkdir -p one level at a time, refusing as soon as a level resolves outside the root. */
  async #makeDirectories(segments: string[]): Promise<string> {
    const root = await this.#rootPath();
    let current = root;
    for (const segment of segments) {
      const next = path.join(current, segment);
      const created = await fsp.mkdir(next).then(() => true, (error: unknown) => {
        if ((error as { code?: string }).code !== 'EEXIST') throw error;
        return false;
      });
      if (created && this.#modes.dir !== undefined) await fsp.chmod(next, this.#modes.dir);
      current = await fsp.realpath(next);
      if (!isInside(root, current)) throw new SendoffError('FORBIDDEN', 'key is not writable');
      if (!(await fsp.stat(current)).isDirectory()) throw new SendoffError('FORBIDDEN', 'key is not writable: a parent is a file');
    }
    return current;
  }
}

/** The modes `put` sets explicitly; undefined leaves them to the umask. */
interface Modes {
  file: number | undefined;
  dir: number | undefined;
}

function checkedMode(mode: number | undefined, name: string): number | undefined {
  if (mode === undefined) return undefined;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777) throw configInvalid(`LocalStorage ${name} must be a permission mode from 0o000 to 0o777 (e.g. 0o644)`);
  return mode;
}

/** One file's checked real path and stats, and what `stat` and `locate` answer for it. */
interface Lookup {
  real: string;
  stats: Stats;
  fileStat: FileStat;
  location: LocalLocation;
}

/** A found file: its checked real path and stats, the settled lookup that found it, and (with a cache) its shared descriptor. */
interface Found extends Pick<Lookup, 'real' | 'stats'> {
  settled: Promise<Lookup>;
  shared?: SharedDescriptor | undefined;
}

function checkedCache(cache: LocalStorageCacheOptions | undefined): Required<LocalStorageCacheOptions> | undefined {
  if (cache === undefined) return undefined;
  const { maxAgeMs, maxEntries = DEFAULT_CACHE_ENTRIES, maxOpenFiles = DEFAULT_CACHE_OPEN_FILES } = cache ?? {};
  if (typeof maxAgeMs !== 'number' || !Number.isFinite(maxAgeMs) || maxAgeMs < 1 || maxAgeMs > MAX_CACHE_AGE_MS) {
    throw configInvalid(`LocalStorage cache.maxAgeMs must be a number of milliseconds from 1 to ${MAX_CACHE_AGE_MS} (how stale a file's size and ETag may be)`);
  }
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw configInvalid('LocalStorage cache.maxEntries must be a positive integer');
  if (!Number.isSafeInteger(maxOpenFiles) || maxOpenFiles < 0) throw configInvalid('LocalStorage cache.maxOpenFiles must be an integer of 0 or more');
  return { maxAgeMs, maxEntries, maxOpenFiles };
}

/** An open descriptor and its stats. */
interface OpenFile {
  fd: number;
  stats: Stats;
}

/**
 * Opens `real` (a path checked to be under the root) without following a last-component link and
 * keeps the descriptor only if it is the checked file: same device and inode as `checked`. If a
 * component was swapped since (a directory for a link, another file in its place), the descriptor
 * is some other file and is closed; so is it on any failure. `undefined` then: resolve again.
 */
async function openIfSameFile(real: string, checked: Stats): Promise<OpenFile | undefined> {
  let fd: number;
  try {
    fd = await openForReading(real);
  } catch {
    return undefined;
  }
  try {
    const stats = await statOf(fd);
    if (stats.dev === checked.dev && stats.ino === checked.ino) return { fd, stats };
  } catch {
    // closed below; the caller resolves again and reports what it finds
  }
  fs.close(fd, () => undefined);
  return undefined;
}

/** Whether an opened file has the size and modification time it had when it was found. */
function isUnchanged(now: Stats, found: Stats): boolean {
  return now.size === found.size && now.mtimeMs === found.mtimeMs;
}

/** Whether an opened file is the one found (same device and inode), unchanged since. */
function isSameFile(now: Stats, found: Stats): boolean {
  return now.dev === found.dev && now.ino === found.ino && isUnchanged(now, found);
}

/** A file streamed under stats a cached lookup announced must still have them. */
function changedSinceLookup(): SendoffError {
  return new SendoffError('STORAGE_ERROR', 'the file changed on disk since it was looked up', { expose: false });
}

/** Whether `candidate` (a real path) is strictly under `root` (a real path). */
function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative.length > 0 && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

// The read path uses the callback API: per call it costs about half of what `fs.promises` does.

function realPathOf(file: string): Promise<string> {
  return new Promise((resolve, reject) => fs.realpath.native(file, (error, real) => (error ? reject(error) : resolve(real))));
}

function statOfPath(file: string): Promise<Stats> {
  return new Promise((resolve, reject) => fs.stat(file, (error, stats) => (error ? reject(error) : resolve(stats))));
}

function openForReading(file: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, READ_NO_FOLLOW, (error, fd) => (error ? reject(error) : resolve(fd))));
}

function statOf(fd: number): Promise<Stats> {
  return new Promise((resolve, reject) => fs.fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats))));
}

/** The whole file as a range, or none for an empty file (a stream needs no bounds to read nothing). */
function wholeFile(size: number): ByteRange | undefined {
  return size > 0 ? { start: 0, end: size - 1 } : undefined;
}

/**
 * Reads `range` (the whole file when absent) from an open descriptor, closing it at the end. With
 * its end known the stream stops after the last byte instead of reading once more to find EOF.
 */
function readStream(fd: number, range: ByteRange | undefined): ReadStream {
  if (!range) return createReadStream('', { fd, autoClose: true });
  return createReadStream('', { fd, autoClose: true, start: range.start, end: range.end, highWaterMark: chunkSize(range) });
}

/** Whether `range` is read whole when opened (see whole-body.ts): no more than one read of a stream, or an empty file. */
function isReadWhole(range: ByteRange | undefined): boolean {
  return range === undefined || range.end - range.start + 1 <= SMALL_CHUNK;
}

/**
 * `range` (nothing: an empty file) read in one positional read, the descriptor closed after. A
 * short read means the file was cut since it was looked at: STORAGE_ERROR, before any byte.
 */
function readWholeAndClose(fd: number, range: ByteRange | undefined): Promise<Buffer> {
  const length = range === undefined ? 0 : range.end - range.start + 1;
  const buffer = Buffer.allocUnsafe(length);
  return new Promise((resolve, reject) => {
    fs.read(fd, buffer, 0, length, range?.start ?? 0, (error, bytesRead) => {
      // Closed before the body is handed over, as a file stream closes before it reports its end.
      fs.close(fd, () => {
        if (error) reject(readError(error));
        else if (bytesRead !== length) reject(changedSinceLookup());
        else resolve(buffer);
      });
    });
  });
}

/**
 * A body read whole holds no file: a signal that aborted while it was read destroys it at once,
 * and a later abort has nothing left to release.
 */
function wholeBody(bytes: Buffer, signal: AbortSignal | undefined): WholeBody {
  const body = new WholeBody(bytes);
  if (signal?.aborted) body.destroy();
  return body;
}

/** Bytes per read: Node's default 64 KiB, or 256 KiB for bodies over 1 MiB (4 times fewer reads and event-loop turns). */
function chunkSize(range: ByteRange): number {
  return range.end - range.start + 1 > LARGE_BODY ? LARGE_CHUNK : SMALL_CHUNK;
}

/**
 * Destroys the stream (closing the file) when the signal aborts. No error is emitted: the consumer
 * is gone, and an 'error' nobody listens to any more would crash the process.
 */
function destroyOnAbort(stream: Readable, signal: AbortSignal): void {
  if (signal.aborted) {
    stream.destroy();
    return;
  }
  const onAbort = () => stream.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  stream.once('close', () => signal.removeEventListener('abort', onAbort));
}

function checkRange(range: ByteRange, size: number): void {
  const valid = Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end < size;
  if (!valid) {
    throw new SendoffError('RANGE_NOT_SATISFIABLE', 'range not satisfiable', { headers: { 'content-range': `bytes */${size}` } });
  }
}

function toFileStat(file: string, stats: Stats): FileStat {
  const mtime = new Date(Math.round(stats.mtimeMs));
  const contentType = mime.contentType(path.basename(file));
  return {
    size: stats.size,
    mtime,
    etag: strongEtag({ size: stats.size, mtime }),
    ...(contentType ? { contentType } : {}),
  };
}

/** Streams `body` to a temporary file next to `target`, flushes it, then renames it into place. */
async function writeAtomically(target: string, body: Readable | Buffer, meta: PutMeta, mode: number | undefined): Promise<void> {
  const temp = path.join(path.dirname(target), `.${randomBytes(8).toString('hex')}.sendoff-tmp`);
  const handle = await fsp.open(temp, 'wx', 0o644);
  try {
    if (mode !== undefined) await handle.chmod(mode);
    let written = 0;
    for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      const buffer: Buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let offset = 0; offset < buffer.length; ) {
        offset += (await handle.write(buffer, offset)).bytesWritten;
      }
      written += buffer.length;
    }
    if (meta.size !== undefined && written !== meta.size) {
      throw new SendoffError('BAD_REQUEST', `body has ${written} bytes, expected ${meta.size}`);
    }
    await handle.sync();
    await handle.close();
    await fsp.rename(temp, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
}
