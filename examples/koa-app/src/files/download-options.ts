import type { DeliverOptions, Disposition } from '@sendoff/core';
import type { FileRecord } from '../db/file-repository.js';

/**
 * What the Deliverer gets for one of the app's files. Uploaded files are other users' content: the
 * Deliverer's inline policy keeps them from running with the app's origin (nosniff on every
 * download; active types such as HTML or SVG only as sandboxed attachments, even when asked
 * inline), so the app asks for the disposition the user chose and nothing more.
 */
export function downloadOptions(file: FileRecord, disposition: Disposition): DeliverOptions {
  return { key: file.key, filename: file.name, disposition, contentType: file.contentType };
}
