/**
 * The one place a string becomes a `Key`. A key is a logical name such as
 * `invoices/2026/11/42.pdf`: `/`-separated segments, NFC-normalised, never a path a client
 * controls. Everything that maps keys to paths or URLs relies on the guarantees checked here.
 */
import type { Key } from '../contracts.js';
import { invalidKey } from '../errors/sendoff-error.js';

/** Longest key in UTF-8 bytes (S3's own object key limit). */
export const MAX_KEY_BYTES = 1024;
/** Longest segment in UTF-8 bytes (the usual file-name limit). */
export const MAX_SEGMENT_BYTES = 255;

// C0 controls, DEL, C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional overrides/isolates and other invisible format characters used to disguise names.
const DISGUISE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
// A Windows drive prefix (`C:` or `C:/...`): absolute on Windows whatever the separator.
const DRIVE_PREFIX = /^[A-Za-z]:(?:\/|$)/;
// Percent-escapes of overlong UTF-8 forms (`%c0%ae` is a dot to some lenient decoders).
const OVERLONG_ESCAPE = /%c[01]%|%e0%[89][0-9a-f]%|%f0%8[0-9a-f]%/i;
// Unpaired UTF-16 surrogates cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The common key in one precompiled test: `/`-separated segments of 1 to 255 printable ASCII
 * characters other than `%`, `\` and `:`, none of them `.` or `..`. Such a key passes every check
 * below unchanged (ASCII is its own NFC and NFKC form, one byte per character, and without `%` or
 * `:` there is nothing to decode and no drive prefix); anything else takes the full path.
 */
const PLAIN_KEY = /^(?!\.\.?(?:\/|$))[\x20-\x24\x26-\x2e\x30-\x39\x3b-\x5b\x5d-\x7e]{1,255}(?:\/(?!\.\.?(?:\/|$))[\x20-\x24\x26-\x2e\x30-\x39\x3b-\x5b\x5d-\x7e]{1,255})*$/;

/** Validates and normalises `input`; throws a 400 `INVALID_KEY` error when it is not a key. */
export function validateKey(input: unknown): Key {
  if (isPlainKey(input)) return input as Key;
  return validateKeyFully(input);
}

/** Whether `input` is a key of the common, plain ASCII form (see `PLAIN_KEY`). */
function isPlainKey(input: unknown): boolean {
  return typeof input === 'string' && input.length <= MAX_KEY_BYTES && PLAIN_KEY.test(input);
}

/** Every check, for any input: what `validateKey` does when the input is not a plain key. */
export function validateKeyFully(input: unknown): Key {
  if (typeof input !== 'string') throw invalidKey('not a string');
  if (LONE_SURROGATE.test(input)) throw invalidKey('not valid Unicode');
  const key = input.normalize('NFC');
  if (key.length === 0) throw invalidKey('empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw invalidKey(`longer than ${MAX_KEY_BYTES} bytes`);
  if (CONTROL.test(key)) throw invalidKey('control character');
  if (DISGUISE.test(key)) throw invalidKey('invisible or bidirectional formatting character');
  if (key.includes('\\')) throw invalidKey('backslash');
  if (key.startsWith('/') || DRIVE_PREFIX.test(key)) throw invalidKey('absolute path');
  for (const segment of key.split('/')) checkSegment(segment);
  return key as Key;
}

/** Whether `input` is a valid key (no exception). */
export function isValidKey(input: unknown): boolean {
  try {
    validateKey(input);
    return true;
  } catch {
    return false;
  }
}

function checkSegment(segment: string): void {
  if (segment.length === 0) throw invalidKey('empty segment');
  if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) throw invalidKey(`segment longer than ${MAX_SEGMENT_BYTES} bytes`);
  for (const form of suspiciousForms(segment)) {
    if (form === '.' || form === '..') throw invalidKey('dot segment');
    if (/[/\\\u0000]/.test(form)) throw invalidKey('encoded separator');
    if (OVERLONG_ESCAPE.test(form)) throw invalidKey('overlong UTF-8 escape');
  }
}

/**
 * The forms a segment could take if some layer decoded or folded it: percent-decoded up to three
 * times (bytes read as UTF-8 and as Latin-1, from the raw and the NFKC-folded segment) and
 * NFKC-folded (fullwidth dots, slashes and percent signs). None of them may be a dot segment or
 * hide a separator, so a key stays safe whatever a proxy or file system does to it.
 */
function suspiciousForms(segment: string): string[] {
  const forms: string[] = [];
  for (const start of new Set([segment, segment.normalize('NFKC')])) {
    forms.push(start);
    let current = start;
    for (let i = 0; i < 3 && current.includes('%'); i++) {
      const decoded = percentDecode(current, 'utf8');
      if (decoded === current) break;
      const latin1 = percentDecode(current, 'latin1');
      forms.push(decoded, decoded.normalize('NFKC'), latin1, latin1.normalize('NFKC'));
      current = decoded;
    }
  }
  return forms;
}

/** Decodes every run of `%XX` escapes as bytes in `encoding`; never throws. */
function percentDecode(value: string, encoding: 'utf8' | 'latin1'): string {
  return value.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString(encoding));
}
