/**
 * Byte ranges (RFC 9110 section 14), parsed by `range-parser` as `send` does: one range is served
 * as 206, several ranges (after merging overlapping/adjacent ones) or a malformed header are
 * answered with the full file (200, no multipart/byteranges), no satisfiable range is a 416.
 */
import parseRange from 'range-parser';
import type { ByteRange } from '../contracts.js';

export type RangeSelection =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'unsatisfiable' };

const BYTES_UNIT = /^ *bytes=/;
const SUFFIX_SPEC = /^\s*-\s*(\d+)\s*$/;

/** What to send for a `Range` header on a file of `size` bytes. */
export function selectRange(header: string | undefined, size: number): RangeSelection {
  if (header === undefined || !BYTES_UNIT.test(header)) return { kind: 'full' };
  const ranges = parseRange(size, clampSuffixes(header, size), { combine: true });
  if (ranges === -1) return { kind: 'unsatisfiable' };
  const [range] = ranges === -2 || ranges.length !== 1 ? [] : ranges;
  if (range === undefined) return { kind: 'full' };
  return { kind: 'partial', range: { start: range.start, end: range.end } };
}

/** `Content-Range` for a 206 (`bytes 0-9/100`) or a 416 (`bytes *\/100`). */
export function contentRange(size: number, range?: ByteRange): string {
  return range ? `bytes ${range.start}-${range.end}/${size}` : `bytes */${size}`;
}

/** Number of bytes in an inclusive range. */
export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}

/**
 * A suffix longer than the file means the whole file (RFC 9110 section 14.1.2); `range-parser`
 * would drop it as unsatisfiable, so such a spec is rewritten as `0-` first.
 */
function clampSuffixes(header: string, size: number): string {
  const equals = header.indexOf('=');
  const specs = header.slice(equals + 1).split(',').map((spec) => (isLongSuffix(spec, size) ? '0-' : spec));
  return `${header.slice(0, equals + 1)}${specs.join(',')}`;
}

function isLongSuffix(spec: string, size: number): boolean {
  const match = SUFFIX_SPEC.exec(spec);
  return match !== null && size > 0 && Number(match[1]) > size;
}
