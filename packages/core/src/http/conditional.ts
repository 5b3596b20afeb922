/**
 * Conditional requests (RFC 9110 section 13), evaluated in the RFC's order and, where the RFC
 * leaves room, as pillarjs `send` (and `fresh`) do. Validators are the header forms the response
 * carries: `ETag` and `Last-Modified` (second precision).
 */
import { isStrongMatch, isWeakMatch, parseEntityTagList } from './etag.js';
import { listHeader, singleHeader, type RequestHeaders } from './headers.js';
import { parseHttpDate } from './http-date.js';

export interface Validators {
  etag?: string;
  lastModified?: string;
}

export type ConditionalOutcome = 'proceed' | 'not-modified' | 'precondition-failed';

const NO_CACHE = /(?:^|,)\s*no-cache\s*(?:,|$)/i;

/** 412 first (If-Match, else If-Unmodified-Since), then 304 (If-None-Match, else If-Modified-Since). */
export function evaluateConditions(headers: RequestHeaders, validators: Validators): ConditionalOutcome {
  if (isPreconditionFailure(headers, validators)) return 'precondition-failed';
  if (isFresh(headers, validators)) return 'not-modified';
  return 'proceed';
}

/** If-Match (strong comparison, `*`), or when absent If-Unmodified-Since, does not hold. */
export function isPreconditionFailure(headers: RequestHeaders, validators: Validators): boolean {
  const ifMatch = nonEmpty(listHeader(headers, 'if-match'));
  if (ifMatch !== undefined) return !isIfMatchSatisfied(ifMatch, validators.etag);
  const unmodifiedSince = parseHttpDate(singleHeader(headers, 'if-unmodified-since'));
  if (Number.isNaN(unmodifiedSince)) return false;
  const lastModified = parseHttpDate(validators.lastModified);
  return Number.isNaN(lastModified) || lastModified > unmodifiedSince;
}

/**
 * Whether the client's cached copy is current (answer 304): If-None-Match (weak comparison, `*`,
 * lists), or when absent If-Modified-Since. A request with `Cache-Control: no-cache` is never
 * fresh, as in `fresh`, so a forced reload gets the body.
 */
export function isFresh(headers: RequestHeaders, validators: Validators): boolean {
  const ifNoneMatch = nonEmpty(listHeader(headers, 'if-none-match'));
  const modifiedSince = parseHttpDate(singleHeader(headers, 'if-modified-since'));
  if (ifNoneMatch === undefined && Number.isNaN(modifiedSince)) return false;
  if (isNoCacheRequest(headers)) return false;
  if (ifNoneMatch !== undefined) return isIfNoneMatchHit(ifNoneMatch, validators.etag);
  return isNotModifiedSince(modifiedSince, validators.lastModified);
}

/**
 * Whether a Range may be honoured: no If-Range, or an If-Range that is the current ETag (strong
 * comparison) or an HTTP-date equal to Last-Modified. Otherwise (a repeated If-Range included) the
 * full file is sent.
 */
export function isRangeFresh(headers: RequestHeaders, validators: Validators): boolean {
  if (isRepeated(headers, 'if-range')) return false;
  const ifRange = nonEmpty(singleHeader(headers, 'if-range'));
  if (ifRange === undefined) return true;
  if (ifRange.includes('"')) return validators.etag !== undefined && isStrongMatch(ifRange, validators.etag);
  const date = parseHttpDate(ifRange);
  return !Number.isNaN(date) && date === parseHttpDate(validators.lastModified);
}

function isIfMatchSatisfied(ifMatch: string, etag: string | undefined): boolean {
  const tags = parseEntityTagList(ifMatch);
  if (tags.includes('*')) return true;
  return etag !== undefined && tags.some((tag) => isStrongMatch(tag, etag));
}

function isIfNoneMatchHit(ifNoneMatch: string, etag: string | undefined): boolean {
  const tags = parseEntityTagList(ifNoneMatch);
  if (tags.includes('*')) return true;
  return etag !== undefined && tags.some((tag) => isWeakMatch(tag, etag));
}

function isNotModifiedSince(modifiedSince: number, lastModifiedHeader: string | undefined): boolean {
  const lastModified = parseHttpDate(lastModifiedHeader);
  return !Number.isNaN(lastModified) && lastModified <= modifiedSince;
}

function isNoCacheRequest(headers: RequestHeaders): boolean {
  const cacheControl = listHeader(headers, 'cache-control');
  return cacheControl !== undefined && NO_CACHE.test(cacheControl);
}

function isRepeated(headers: RequestHeaders, name: string): boolean {
  const value = headers[name];
  return Array.isArray(value) && value.length > 1;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
