/** HTTP-dates (RFC 9110 section 5.6.7): second precision, always GMT. */

/** Milliseconds since the epoch, or `NaN` when `value` is absent or not a date. */
export function parseHttpDate(value: string | undefined): number {
  return value ? Date.parse(value) : NaN;
}

/** The last date formatted: a hot file's Last-Modified is the same string download after download. */
let last: { time: number; text: string } = { time: Number.NaN, text: '' };

/** The IMF-fixdate form of `date` (`Sun, 06 Nov 1994 08:49:37 GMT`). */
export function formatHttpDate(date: Date): string {
  const time = date.getTime();
  if (time !== last.time) last = { time, text: date.toUTCString() };
  return last.text;
}
