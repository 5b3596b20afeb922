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

/** What the Deliverer gets for one of the app's files. */
export function downloadOptions(file: FileRecord, disposition: Disposition): DeliverOptions {
  return { key: file.key, filename: file.name, disposition, contentType: file.contentType, headers: { ...DOWNLOAD_HEADERS } };
}
