/**
 * Checks the per-download options an app passes to `deliver` and fills in the defaults. Bad
 * values are 400s: they often carry client input (a file name, a disposition from a query).
 * A file name may hold any character: the strategies sanitise it for `Content-Disposition`.
 * Name, content type and extra headers are bounded, so the response header block of any accepted
 * delivery fits what the generated web-server configs take (see servers/header-budget.ts).
 */
import { types } from 'node:util';
import mime from 'mime-types';
import { z } from 'zod';
import type { FileStat, Key, ResolvedDeliveryOptions } from '../contracts.js';
import { SendoffError } from '../errors/sendoff-error.js';
import { MAX_FILENAME_BYTES } from '../http/content-disposition.js';

export { MAX_FILENAME_BYTES };
import type { DeliverOptions } from './types.js';

const FALLBACK_TYPE = 'application/octet-stream';
/** Longest content type in bytes. */
export const MAX_CONTENT_TYPE_BYTES = 1024;
/** Most bytes the extra headers take together, each counted as `Name: value` and CRLF. */
export const MAX_EXTRA_HEADER_BYTES = 4096;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;\s*[a-z0-9!#$%&'*+.^_`|~-]+=(?:[a-z0-9!#$%&'*+.^_`|~-]+|"[^"\\\r\n]*"))*$/i;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/i;
const HEADER_VALUE = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;

const STRONG_ETAG = /^"[\x21\x23-\x7e\x80-\xff]*"$/;

const byteCount = z.number({ error: 'must be a number' }).int('must be a whole number of bytes').min(0, 'must not be negative');
const mediaType = z
  .string({ error: 'must be a string' })
  .max(MAX_CONTENT_TYPE_BYTES, `must be at most ${MAX_CONTENT_TYPE_BYTES} bytes`)
  .regex(MEDIA_TYPE, 'must be a media type such as text/plain');

/** The first and the last instant a `Last-Modified` HTTP-date can carry (a four-digit year). */
const EARLIEST_HTTP_DATE = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_HTTP_DATE = Date.parse('9999-12-31T23:59:59.999Z');

/** A real Date (not an object that only inherits from Date.prototype) that `Last-Modified` can carry. */
const httpDate = z
  .custom<Date>((value) => types.isDate(value) && !Number.isNaN(value.getTime()), 'must be a valid Date')
  .refine((date) => date.getTime() >= EARLIEST_HTTP_DATE && date.getTime() <= LATEST_HTTP_DATE, 'must be a date from the year 0000 to 9999');

const recordedSchema = z.strictObject({
  size: byteCount.optional(),
  mtime: httpDate.optional(),
  etag: z.string({ error: 'must be a string' }).regex(STRONG_ETAG, 'must be a strong entity tag such as "abc"').optional(),
  contentType: mediaType.optional(),
});

const optionsSchema = z.strictObject({
  key: z.unknown(),
  filename: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .refine((name) => Buffer.byteLength(name) <= MAX_FILENAME_BYTES, `must be at most ${MAX_FILENAME_BYTES} bytes`)
    .optional(),
  disposition: z.enum(['inline', 'attachment'], { error: 'must be "inline" or "attachment"' }).optional(),
  contentType: mediaType.optional(),
  headers: z
    .record(z.string().regex(HEADER_NAME, 'must be a header name'), z.string({ error: 'must be a string' }).regex(HEADER_VALUE, 'must not contain CR, LF or control characters'))
    .refine((headers) => headerLinesBytes(headers) <= MAX_EXTRA_HEADER_BYTES, `must take at most ${MAX_EXTRA_HEADER_BYTES} bytes in all (each counted as "Name: value" and CRLF)`)
    .optional(),
  expectedSize: byteCount.optional(),
  recorded: recordedSchema.optional(),
}).refine((options) => options.recorded?.size === undefined || options.expectedSize === undefined || options.recorded.size === options.expectedSize, {
  path: ['recorded', 'size'],
  message: 'must equal expectedSize when both are given',
});

/** Throws BAD_REQUEST (400) naming the first bad option. */
export function checkDeliverOptions(options: unknown): DeliverOptions {
  if (typeof options !== 'object' || options === null) throw badOption('not an object');
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return options as DeliverOptions;
  const issue = parsed.error.issues[0] as z.core.$ZodIssue;
  const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  // A bad record key is reported as a wrapper around the key schema's own issue.
  const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
  throw badOption(`${where}${message}`);
}

/**
 * Fills in the defaults: file name from the key, attachment, the best known content type (read
 * from `stat` only when the options give none).
 */
export function resolveDeliveryOptions(options: DeliverOptions, key: Key, stat: FileStat): ResolvedDeliveryOptions {
  const filename = options.filename ?? (key.split('/').pop() as string);
  return {
    filename,
    disposition: options.disposition ?? 'attachment',
    contentType: options.contentType ?? stat.contentType ?? (mime.contentType(filename) || FALLBACK_TYPE),
    headers: { ...(options.headers ?? {}) },
  };
}

/** Bytes of `Name: value\r\n` lines for these headers (names are ASCII, values latin1). */
export function headerLinesBytes(headers: Readonly<Record<string, string>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) bytes += name.length + value.length + 4;
  return bytes;
}

function badOption(message: string): SendoffError {
  return new SendoffError('BAD_REQUEST', `invalid delivery options: ${message}`);
}
