/**
 * The UploadTarget of an S3 migration: files below the multipart threshold go up in one streamed
 * PutObject whose answer carries the ETag (S3 and s3rver compute it as the MD5 of the bytes they
 * received: no extra request), larger ones through S3Storage's multipart `put`. Reads go through
 * S3Storage.
 */
import type { Readable } from 'node:stream';
import type { Key } from '@sendoff/core';
import type { S3Storage } from '@sendoff/s3';
import type { UploadMeta, UploadTarget } from './upload-target.js';

/** Above this, uploads are multipart (S3Storage's part size). */
export const SINGLE_PART_LIMIT = 8 * 1024 * 1024;

export class S3UploadTarget implements UploadTarget {
  constructor(readonly storage: S3Storage) {}

  async upload(key: Key, body: Readable | Buffer, meta: UploadMeta): Promise<{ etag?: string }> {
    if (meta.size > SINGLE_PART_LIMIT) {
      const stat = await this.storage.put(key, body, { contentType: meta.contentType, size: meta.size });
      return { etag: unquoted(stat.etag) };
    }
    const { etag } = await this.storage.putObject(key, body, { contentType: meta.contentType, size: meta.size });
    return etag === undefined ? {} : { etag: unquoted(etag) };
  }

  open(key: Key): Promise<Readable> {
    return this.storage.open(key);
  }
}

function unquoted(etag: string): string {
  return etag.replace(/^W\//, '').replace(/^"|"$/g, '');
}
