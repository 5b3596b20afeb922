/**
 * Copies one local file to the store and proves the copy. The file is read once and hashed (MD5):
 * a small one whole, into a buffer sent in one piece, a larger one while it streams up. The copy counts as verified when the store's ETag for the upload is
 * the MD5 of our bytes (S3 and s3rver compute it over what they received, single-part and, on
 * s3rver, multipart too), or else when the object read back hashes to the same MD5 (multipart on
 * AWS, SSE-KMS, stores whose ETag is no MD5); `readBack` forces the read-back every time.
 * A mismatch, a file that changed while being read, or a transient store error is retried a
 * bounded number of times; an unreadable local file fails at once.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { lookup } from 'mime-types';
import { HashingStream } from './hashing-stream.js';
import { readBackDigest } from './read-back-digest.js';
import { readWholeFile } from './read-whole-file.js';
import { describeS3Error } from '@sendoff/s3';
import { isFatal } from './fatal-error.js';
import type { UploadTarget } from './upload-target.js';
import type { SourceFile } from './walk-tree.js';

export interface VerifiedCopy {
  md5: string;
  /** Size and mtime of the file as it was read (what the journal records). */
  size: number;
  mtimeMs: number;
  attempts: number;
  verifiedBy: 'etag' | 'read-back';
}

export interface CopyOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** Called with each chunk's length as it is read; negative to take back a failed attempt. */
  onBytes?: (count: number) => void;
  /** Pause before retry n is n times this (default 200 ms). */
  retryDelayMs?: number;
  /** Always read the object back, even when the store's ETag already proves the upload. */
  readBack?: boolean;
}

/** Bytes read from disk at a time: large reads mean fewer system calls and socket writes. */
const READ_CHUNK = 1024 * 1024;
/**
 * Files up to this size are read whole into a buffer of their size and sent in one piece (most
 * files of a storage root are this small); larger ones stream. Bounds the memory held per copy.
 */
const WHOLE_FILE_LIMIT = READ_CHUNK;

export type CopyFailureKind = 'unreadable' | 'mismatch' | 'changing' | 'store' | 'fatal';

export class CopyFailure extends Error {
  constructor(
    readonly kind: CopyFailureKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CopyFailure';
  }
}

/** The Content-Type stored with the object, from the key's extension. */
export function contentTypeFor(key: string): string {
  return lookup(key) || 'application/octet-stream';
}

export async function copyAndVerify(file: SourceFile, target: UploadTarget, options: CopyOptions = {}): Promise<VerifiedCopy> {
  const attempts = options.attempts ?? 3;
  let last: CopyFailure | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep((options.retryDelayMs ?? 200) * (attempt - 1));
    try {
      return { ...(await copyOnce(file, target, options)), attempts: attempt };
    } catch (error) {
      last = asCopyFailure(error);
      if (last.kind === 'unreadable' || last.kind === 'fatal') throw last;
    }
  }
  throw last ?? new CopyFailure('store', 'copy failed');
}

async function copyOnce(file: SourceFile, target: UploadTarget, options: CopyOptions): Promise<Omit<VerifiedCopy, 'attempts'>> {
  const { onBytes } = options;
  const handle = await open(file.path, 'r').catch((error: unknown) => {
    throw new CopyFailure('unreadable', `cannot read the file: ${errorCode(error)}`, { cause: error });
  });
  let sent: Sent;
  let snapshot: Stats;
  try {
    snapshot = await handle.stat();
    sent = snapshot.size <= WHOLE_FILE_LIMIT ? await sendWhole(handle, snapshot.size, file, target, onBytes) : await sendStreamed(handle, snapshot.size, file, target, onBytes);
  } finally {
    await handle.close();
  }
  const copy = { md5: sent.md5, size: snapshot.size, mtimeMs: snapshot.mtimeMs };
  if (!options.readBack && sent.etag !== undefined && sent.etag === sent.md5) return { ...copy, verifiedBy: 'etag' };
  const stored = await readBackDigest(target, file.key).catch((error: unknown) => {
    onBytes?.(-snapshot.size);
    throw error;
  });
  if (stored.md5 !== sent.md5 || stored.bytes !== snapshot.size) {
    onBytes?.(-snapshot.size);
    throw new CopyFailure('mismatch', `verification failed: the store holds ${stored.bytes} bytes with MD5 ${stored.md5}, expected ${snapshot.size} bytes with MD5 ${sent.md5}`);
  }
  return { ...copy, verifiedBy: 'read-back' };
}

/** What one upload sent (the MD5 of exactly `size` bytes) and the ETag the store answered. */
interface Sent {
  md5: string;
  etag: string | undefined;
}

/** A small file: read whole, hashed, sent as one buffer. */
async function sendWhole(handle: FileHandle, size: number, file: SourceFile, target: UploadTarget, onBytes: CopyOptions['onBytes']): Promise<Sent> {
  const body = await readWholeFile(handle, size).catch((error: unknown) => {
    throw new CopyFailure('unreadable', `cannot read the file: ${errorCode(error)}`, { cause: error });
  });
  if (body === undefined) throw new CopyFailure('changing', 'the file changed while it was being copied');
  const md5 = createHash('md5').update(body).digest('hex');
  onBytes?.(size);
  try {
    const { etag } = await target.upload(file.key, body, { contentType: contentTypeFor(file.key), size });
    return { md5, etag };
  } catch (error) {
    onBytes?.(-size);
    throw error;
  }
}

/** A larger file: streamed up, hashed on the way. */
async function sendStreamed(handle: FileHandle, size: number, file: SourceFile, target: UploadTarget, onBytes: CopyOptions['onBytes']): Promise<Sent> {
  const hashing = new HashingStream(onBytes);
  let etag: string | undefined;
  try {
    // Bounded one byte past the expected end: reads are sized to what is left, and growth shows.
    const source = handle.createReadStream({ autoClose: false, highWaterMark: READ_CHUNK, start: 0, end: size });
    source.on('error', (error) => hashing.destroy(new CopyFailure('unreadable', `cannot read the file: ${errorCode(error)}`, { cause: error })));
    source.pipe(hashing);
    ({ etag } = await target.upload(file.key, hashing, { contentType: contentTypeFor(file.key), size }));
  } catch (error) {
    onBytes?.(-hashing.bytes);
    throw error;
  }
  if (hashing.bytes !== size) {
    onBytes?.(-hashing.bytes);
    throw new CopyFailure('changing', 'the file changed while it was being copied');
  }
  return { md5: hashing.md5, etag };
}

function asCopyFailure(error: unknown): CopyFailure {
  const unreadable = findUnreadable(error);
  if (unreadable !== undefined) return unreadable;
  if (isFatal(error)) return new CopyFailure('fatal', describeS3Error(error), { cause: error });
  return new CopyFailure('store', describeS3Error(error), { cause: error });
}

/** A CopyFailure itself, or a local read error surfaced through the upload (the SDK may wrap it). */
function findUnreadable(error: unknown): CopyFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof CopyFailure) return current;
    current = current.cause;
  }
  return undefined;
}

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
