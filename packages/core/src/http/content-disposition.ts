/**
 * `Content-Disposition` per RFC 6266: an ASCII `filename="..."` every client understands and, when
 * the name is not plain ASCII, `filename*=UTF-8''...` with the exact name. Built on the
 * `content-disposition` package, after making the name safe: that package keeps only the
 * basename (so `a/b` would lose `a`) and passes control characters through.
 */
import format from 'content-disposition';
import type { Disposition } from '../contracts.js';

/** The name used when nothing printable is left of the requested one. */
export const DEFAULT_FILENAME = 'download';
/** Longest download name in UTF-8 bytes; the header carries it twice (ASCII fallback and `filename*`). */
export const MAX_FILENAME_BYTES = 1024;
/** Longest ASCII fallback (`filename="..."`): folding can turn one character into 18 (U+FDFA). */
const MAX_FALLBACK_CHARS = 255;
/** An extension kept when a name is cut: a dot and up to 16 characters after it. */
const EXTENSION = /\.[^.]{1,16}$/u;

// C0 controls, DEL, C1 controls, and the path separators of every platform.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f/\\]/g;
// Bidirectional overrides/isolates and invisible format characters (they disguise extensions).
const DISGUISE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// Unpaired UTF-16 surrogates cannot be encoded as UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const COMBINING_MARK = /\p{M}/gu;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/g;
const PLAIN_NAME = /^[\x20\x21\x23\x24\x26-\x2e\x30-\x5b\x5d-\x7e]+$/;

/**
 * Builds the header value. Never throws on a name: `/`, `\`, control, invisible and bidirectional
 * formatting characters and lone surrogates become `_`; a name left empty (or only dots) becomes
 * `download`.
 */
export function contentDisposition(filename: string, disposition: Disposition): string {
  if (isPlainName(filename) && isKnownDisposition(disposition)) return `${disposition}; filename="${filename}"`;
  return formatContentDisposition(filename, disposition);
}

/**
 * The general path, for any name: sanitise, fold an ASCII fallback, let the package decide on
 * `filename*`. `contentDisposition` answers exactly this, only faster for plain names.
 */
export function formatContentDisposition(filename: string, disposition: Disposition): string {
  const name = cutToFit(sanitizeFilename(filename), MAX_FILENAME_BYTES, utf8Bytes);
  return format(name, { type: disposition, fallback: cutToFit(asciiFallback(name), MAX_FALLBACK_CHARS, characters) });
}

/**
 * `name` cut to at most `max` (as `measure` counts), whole code points only, keeping its
 * extension. Normalisation and folding happen after the caller's length check and can make a
 * name up to 3 (NFC) or 18 (NFKD) times longer: cutting here bounds the header for every name.
 */
function cutToFit(name: string, max: number, measure: (text: string) => number): string {
  if (measure(name) <= max) return name;
  const extension = EXTENSION.exec(name)?.[0] ?? '';
  let room = max - measure(extension);
  let kept = '';
  for (const codePoint of name.slice(0, name.length - extension.length)) {
    room -= measure(codePoint);
    if (room < 0) break;
    kept += codePoint;
  }
  return kept + extension;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text);
}

function characters(text: string): number {
  return text.length;
}

/**
 * Printable ASCII without `"`, `\`, `/` or `%`, and not only dots: sanitising and folding leave it
 * as it is, it needs no quoting escape and no `filename*` (nothing non-ASCII, no `%XX` that a
 * client might decode), so the header is `<type>; filename="<name>"`.
 */
function isPlainName(filename: string): boolean {
  return typeof filename === 'string' && PLAIN_NAME.test(filename) && !isOnlyDots(filename);
}

function isKnownDisposition(disposition: Disposition): boolean {
  return disposition === 'attachment' || disposition === 'inline';
}

/** The name as it will reach the client: what `contentDisposition` puts in the header. */
export function sanitizeFilename(filename: string): string {
  const name = String(filename)
    .normalize('NFC')
    .replace(LONE_SURROGATE, '_')
    .replace(UNSAFE, '_');
  const unmasked = maskDisguisingCharacters(name);
  return isOnlyDots(unmasked) ? DEFAULT_FILENAME : unmasked;
}

/**
 * `name` with bidirectional overrides and isolates and invisible format characters (zero-width
 * spaces, joiners, BOM) as `_`: the characters that make `invoice\u202egpj.exe` look like a JPEG.
 * `sanitizeFilename` applies it; an app can apply it to the names it stores and shows.
 */
export function maskDisguisingCharacters(name: string): string {
  return name.replace(DISGUISE, '_');
}

/** An ASCII version of a (sanitised) name: accents dropped, anything else non-ASCII as `_`. */
export function asciiFallback(name: string): string {
  // NFKD folds compatibility forms too (a fullwidth solidus becomes `/`), hence UNSAFE again.
  const ascii = name.normalize('NFKD').replace(COMBINING_MARK, '').replace(NOT_PRINTABLE_ASCII, '_').replace(UNSAFE, '_');
  return isOnlyDots(ascii) ? DEFAULT_FILENAME : ascii;
}

function isOnlyDots(name: string): boolean {
  return /^\.*$/.test(name);
}
