/**
 * A Storage whose bytes live in one S3 bucket (AWS S3 or an S3-compatible server), under an
 * optional key prefix. Every SDK failure leaves as a SendoffError (see `toSendoffError`).
 */
import { addAbortSignal, type Readable } from 'node:stream';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { ByteRange, FileStat, Key, OpenOptions, PutMeta, S3Location, Storage } from '@sendoff/core';
import { SendoffError, configInvalid } from '@sendoff/core';
import { strongEtag } from '@sendoff/core/http';
import { contentRangeStart, exactRange, isExactRange } from './exact-range.js';
import { toBucketError, toSendoffError } from './s3-errors.js';

export interface S3StorageOptions {
  client: S3Client;
  bucket: string;
  /** Prepended to every key (`uploads/` → `uploads/<key>`); a missing trailing `/` is added. */
  prefix?: string;
  /** Multipart part size for `put` (default and minimum 5 MiB, S3's own minimum). */
  partSizeBytes?: number;
  /** Parts uploaded in parallel by `put` (default 4). */
  queueSize?: number;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

export class S3Storage implements Storage {
  readonly locationKinds = ['s3'] as const;
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3StorageOptions) {
    if (typeof options.bucket !== 'string' || options.bucket.length === 0) throw configInvalid('S3Storage needs a bucket');
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = normalisedPrefix(options.prefix ?? '');
    this.partSize = Math.max(options.partSizeBytes ?? MIN_PART_SIZE, MIN_PART_SIZE);
    this.queueSize = options.queueSize ?? 4;
  }

  /** The full object key for a storage key. */
  objectKeyFor(key: Key): string {
    return this.prefix + key;
  }

  async stat(key: Key): Promise<FileStat> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKeyFor(key) }));
      const size = head.ContentLength ?? 0;
      const mtime = head.LastModified ?? new Date(0);
      return {
        size,
        mtime,
        etag: objectEtag(head.ETag, size, mtime),
        ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
      };
    } catch (error) {
      throw toSendoffError(error);
    }
  }

  async open(key: Key, options: OpenOptions = {}): Promise<Readable> {
    const { range, signal } = options;
    let response;
    try {
      response = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKeyFor(key), ...(range ? { Range: rangeHeader(range) } : {}) }),
        signal ? { abortSignal: signal } : {},
      );
    } catch (error) {
      throw toSendoffError(error);
    }
    const body = response.Body as Readable | undefined;
    if (body === undefined) throw new SendoffError('STORAGE_ERROR', 'storage error', { expose: false, cause: new Error('no body') });
    const stream = range === undefined || isExactRange(response.ContentRange, range)
      ? body
      : exactRange(body, contentRangeStart(response.ContentRange) ?? 0, range);
    return signal ? addAbortSignal(signal, stream) : stream;
  }

  async locate(key: Key): Promise<S3Location> {
    return { kind: 's3', bucket: this.bucket, objectKey: this.objectKeyFor(key), key };
  }

  async put(key: Key, body: Readable | Buffer, meta: PutMeta = {}): Promise<FileStat> {
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: this.objectKeyFor(key),
        Body: body,
        ...(meta.contentType === undefined ? {} : { ContentType: meta.contentType }),
      },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw toSendoffError(error);
    }
    return this.stat(key);
  }

  /**
   * Uploads `body` (exactly `meta.size` bytes: a stream or a buffer) in one PutObject and answers
   * the ETag S3 computed over what it received (quoted, as S3 sends it), without a second request.
   * For bodies up to 5 GiB; `put` takes any size.
   */
  async putObject(key: Key, body: Readable | Buffer, meta: PutMeta & { size: number }): Promise<{ etag?: string }> {
    try {
      const answer = await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.objectKeyFor(key),
          Body: body,
          ContentLength: meta.size,
          ...(meta.contentType === undefined ? {} : { ContentType: meta.contentType }),
        }),
      );
      return answer.ETag === undefined ? {} : { etag: answer.ETag };
    } catch (error) {
      throw toSendoffError(error);
    }
  }

  /** Resolves when the bucket is there and answers; rejects with a SendoffError whose `cause` is the SDK's error. */
  async checkBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw toBucketError(error);
    }
  }
}

function normalisedPrefix(prefix: string): string {
  if (prefix.startsWith('/')) throw configInvalid('S3Storage prefix must not start with "/"');
  if (prefix === '' || prefix.endsWith('/')) return prefix;
  return `${prefix}/`;
}

function rangeHeader(range: ByteRange): string {
  return `bytes=${range.start}-${range.end}`;
}

/** S3's ETag as a quoted strong tag; a server that sends none still gets a stable one (from size and mtime). */
function objectEtag(etag: string | undefined, size: number, mtime: Date): string {
  if (etag === undefined || etag.length === 0) return strongEtag({ size, mtime });
  const bare = etag.replace(/^W\//, '');
  return bare.startsWith('"') ? bare : `"${bare}"`;
}
