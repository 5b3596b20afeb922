import type { DeliverOptions, Disposition } from '@sendoff/core';
import type { FileRecord } from '../db/file-repository.js';

/**
 * What the Deliverer gets for one of the app's files. Uploaded files are other users' content: the
 * Deliverer's inline policy keeps them from running with the app's origin (nosniff on every
 * download; active types such as HTML or SVG only as sandboxed attachments, even when asked
 * inline), so the app asks for the disposition the user chose.
 *
 * What the app recorded when the file was stored (its size and type, from SQLite) goes along as
 * `recorded`: sendoff asks the storage only for a fact a strategy or rule still needs and the
 * record lacks. A presigned redirect needs none, so the s3 profile answers its 302 without a
 * request to S3. The recorded size is also the size the file must have: a copy of another size is
 * not this file, or not all of it yet (during a migration, an object the bucket is still
 * receiving), so the download comes from where the whole file is.
 */
export function downloadOptions(file: FileRecord, disposition: Disposition): DeliverOptions {
  return { key: file.key, filename: file.name, disposition, recorded: { size: file.size, contentType: file.contentType } };
}
