/**
 * Entity tags: a strong tag for files whose storage gives none, list parsing that respects quoted
 * commas, and the two comparison functions of RFC 9110 section 8.8.3.2.
 */
import type { FileStat } from '../contracts.js';

const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;
const LIST_MEMBER = /\*|(?:W\/)?"[^"]*"/g;

/** A strong, quoted tag derived from size and modification time (as `send`/`etag` do for stats). */
export function strongEtag(stat: Pick<FileStat, 'size' | 'mtime'>): string {
  return `"${stat.size.toString(16)}-${stat.mtime.getTime().toString(16)}"`;
}

/** Whether `value` is a well-formed entity tag (`"x"` or `W/"x"`). */
export function isEntityTag(value: string): boolean {
  return ENTITY_TAG.test(value);
}

/** Whether `tag` is a weak entity tag. */
export function isWeakEtag(tag: string): boolean {
  return tag.startsWith('W/');
}

/** The tag a file is served with: the storage's own when well formed, else one from size+mtime. */
export function etagOf(stat: FileStat): string {
  return stat.etag && isEntityTag(stat.etag) ? stat.etag : strongEtag(stat);
}

/** The members of an `If-Match` / `If-None-Match` list: quoted tags (commas inside kept) and `*`. */
export function parseEntityTagList(header: string): string[] {
  return header.match(LIST_MEMBER) ?? [];
}

/** Strong comparison: both strong and identical. */
export function isStrongMatch(a: string, b: string): boolean {
  return !isWeakEtag(a) && !isWeakEtag(b) && a === b;
}

/** Weak comparison: identical once any `W/` prefix is dropped. */
export function isWeakMatch(a: string, b: string): boolean {
  return opaqueTag(a) === opaqueTag(b);
}

function opaqueTag(tag: string): string {
  return isWeakEtag(tag) ? tag.slice(2) : tag;
}
