/**
 * Where a migration writes, as the copy step needs it: an upload that answers the ETag the store
 * computed for what it received, and a read-back.
 */
import type { Readable } from 'node:stream';
import type { Key } from '@sendoff/core';

export interface UploadMeta {
  size: number;
  contentType: string;
}

export interface UploadTarget {
  /**
   * Uploads `body` (`meta.size` bytes: a stream, or a small file's bytes in one buffer) under `key`;
   * answers the store's ETag for it (unquoted), when it gave one.
   */
  upload(key: Key, body: Readable | Buffer, meta: UploadMeta): Promise<{ etag?: string }>;
  /** The stored object's bytes, as the store serves them. */
  open(key: Key): Promise<Readable>;
}
