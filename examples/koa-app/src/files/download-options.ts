import type { DeliverOptions, Disposition } from '@sendoff/core';
import type { FileRecord } from '../db/file-repository.js';

/**
 * Uploaded files are other users' content: never let a browser sniff them into HTML or run them
 * with the app's origin, even when shown inline.
 */
const DOWNLOAD_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; sandbox",
};

/**
 * What the Deliverer gets for one of the app's files. The size recorded when the file was stored
 * goes along: a copy of another size is not this file, or not all of it yet (during a migration,
 * an object the bucket is still receiving), so the download comes from where the whole file is.
 */
export function downloadOptions(file: FileRecord, disposition: Disposition): DeliverOptions {
  return { key: file.key, filename: file.name, disposition, contentType: file.contentType, headers: { ...DOWNLOAD_HEADERS }, expectedSize: file.size };
}
