/**
 * Copies one local file to a Storage and proves the copy: the file is read once, hashed (SHA-256)
 * while it streams to the store, then the object is read back and hashed. Only equal digests and
 * lengths count as a copy. A mismatch, a file that changed while being read, or a transient store
 * error is retried a bounded number of times; an unreadable local file fails at once.
 */
import { open } from 'node:fs/promises';
import type { Storage } from '@sendoff/core';
import { lookup } from 'mime-types';
import { HashingStream } from './hashing-stream.js';
import { readBackDigest } from './read-back-digest.js';
import { describeError, isFatal } from './remote-errors.js';
import type { SourceFile } from './walk-tree.js';

export interface VerifiedCopy {
  sha256: string;
  /** Size and mtime of the file as it was read (what the journal records). */
  size: number;
  mtimeMs: number;
  attempts: number;
}

export interface CopyOptions {
  /** Attempts in all, the first included (default 3). */
  attempts?: number;
  /** Called with each chunk's length as it is read; negative to take back a failed attempt. */
  onBytes?: (count: number) => void;
  /** Pause before retry n is n times this (default 200 ms). */
  retryDelayMs?: number;
}

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

export async function copyAndVerify(file: SourceFile, target: Storage, options: CopyOptions = {}): Promise<VerifiedCopy> {
  const attempts = options.attempts ?? 3;
  let last: CopyFailure | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep((options.retryDelayMs ?? 200) * (attempt - 1));
    try {
      return { ...(await copyOnce(file, target, options.onBytes)), attempts: attempt };
    } catch (error) {
      last = asCopyFailure(error);
      if (last.kind === 'unreadable' || last.kind === 'fatal') throw last;
    }
  }
  throw last ?? new CopyFailure('store', 'copy failed');
}

async function copyOnce(file: SourceFile, target: Storage, onBytes?: (count: number) => void): Promise<Omit<VerifiedCopy, 'attempts'>> {
  const handle = await open(file.path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new CopyFailure('unreadable', `cannot read the file: ${error.code ?? error.message}`, { cause: error });
  });
  const snapshot = await handle.stat();
  const hashing = new HashingStream(onBytes);
  try {
    const source = handle.createReadStream({ autoClose: false });
    source.on('error', (error) => hashing.destroy(new CopyFailure('unreadable', `cannot read the file: ${errorCode(error)}`, { cause: error })));
    source.pipe(hashing);
    await target.put(file.key, hashing, { contentType: contentTypeFor(file.key), size: snapshot.size });
  } catch (error) {
    onBytes?.(-hashing.bytes);
    throw error;
  } finally {
    await handle.close();
  }
  if (hashing.bytes !== snapshot.size) {
    onBytes?.(-hashing.bytes);
    throw new CopyFailure('changing', 'the file changed while it was being copied');
  }
  const stored = await readBackDigest(target, file.key).catch((error: unknown) => {
    onBytes?.(-hashing.bytes);
    throw error;
  });
  if (stored.sha256 !== hashing.sha256 || stored.bytes !== hashing.bytes) {
    onBytes?.(-hashing.bytes);
    throw new CopyFailure('mismatch', `verification failed: the store holds ${stored.bytes} bytes with SHA-256 ${stored.sha256}, expected ${hashing.bytes} bytes with ${hashing.sha256}`);
  }
  return { sha256: hashing.sha256, size: snapshot.size, mtimeMs: snapshot.mtimeMs };
}

function asCopyFailure(error: unknown): CopyFailure {
  if (error instanceof CopyFailure) return error;
  const unreadable = findUnreadable(error);
  if (unreadable !== undefined) return unreadable;
  if (isFatal(error)) return new CopyFailure('fatal', describeError(error), { cause: error });
  return new CopyFailure('store', describeError(error), { cause: error });
}

/** A local read error surfaced through the upload (the SDK may wrap it). */
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
