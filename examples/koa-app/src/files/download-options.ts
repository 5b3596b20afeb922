import type { DeliverOptions, Disposition } from '@sendoff/core';
import type { FileRecord } from '../db/file-repository.js';

/**
 * What the Deliverer gets for one of the app's files. Uploaded files are other users' content: the
 * Deliverer's inline policy keeps them from running with the app's origin (nosniff on every
 * download; active types such as HTML or SVG only as sandboxed attachments, even when asked
 * inline), so the app asks for the disposition the user chose. The size recorded when the file was stored
 * goes along too: a copy of another size is not this file, or not all of it yet (during a migration,
 * an object the bucket is still receiving), so the download comes from where the whole file is.
 */
export function downloadOptions(file: FileRecord, disposition: Disposition): DeliverOptions {
  return { key: file.key, filename: file.name, disposition, contentType: file.contentType, expectedSize: file.size };
}
