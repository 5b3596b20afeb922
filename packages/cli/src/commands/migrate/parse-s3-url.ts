/**
 * `s3://bucket/prefix` → bucket and prefix. The bucket follows S3's naming rules; the prefix, when
 * there is one, must itself be a valid key so that every object key stays a valid key.
 */
import { isValidKey } from '@sendoff/core';
import { UsageError } from '../../io.js';

export interface S3Url {
  bucket: string;
  /** Without leading or trailing `/`; empty for the bucket's top level. */
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseS3Url(input: string): S3Url {
  const match = /^s3:\/\/([^/]*)(?:\/(.*))?$/.exec(input);
  if (match === null) throw new UsageError(`--to must look like s3://bucket/prefix, got ${JSON.stringify(input)}`);
  const bucket = match[1] ?? '';
  if (!isBucketName(bucket)) throw new UsageError(`--to: ${JSON.stringify(bucket)} is not a valid bucket name`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix !== '' && !isValidKey(prefix)) throw new UsageError(`--to: ${JSON.stringify(prefix)} is not a valid prefix`);
  return { bucket, prefix };
}

/** The canonical `s3://bucket/prefix` form, used to tell journal entries of different targets apart. */
export function formatS3Url(url: S3Url): string {
  return url.prefix === '' ? `s3://${url.bucket}` : `s3://${url.bucket}/${url.prefix}`;
}

function isBucketName(name: string): boolean {
  return BUCKET.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}
