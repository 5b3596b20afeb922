/**
 * Reads an object back from the store and hashes it: what the store will actually serve, which is
 * the only checksum sound on every S3 implementation (an ETag is not an MD5 under SSE-KMS or for
 * multipart uploads on AWS, and s3rver keeps a stale ETag when its files change behind its back).
 */
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Key } from '@sendoff/core';
import { HashingStream } from './hashing-stream.js';

export interface Digest {
  md5: string;
  bytes: number;
}

export async function readBackDigest(store: { open(key: Key): Promise<Readable> }, key: Key): Promise<Digest> {
  const body = await store.open(key);
  const hashing = new HashingStream();
  await pipeline(body, hashing, discard());
  return { md5: hashing.md5, bytes: hashing.bytes };
}

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}
