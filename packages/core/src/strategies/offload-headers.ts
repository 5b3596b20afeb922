/**
 * The headers an offload plan carries from the app: Content-Type, Content-Disposition and the
 * app's extra headers, minus those the web server must compute itself from the file (length,
 * encoding, ranges, validators) and minus any delivery header the app might have set by mistake.
 */
import type { ResolvedDeliveryOptions } from '../contracts.js';
import { contentDisposition } from '../http/content-disposition.js';

const SERVER_OWNED = new Set([
  'content-length',
  'content-encoding',
  'content-range',
  'accept-ranges',
  'transfer-encoding',
  'etag',
  'last-modified',
  'connection',
]);

const DELIVERY_HEADER = /^(x-accel-|x-sendfile|x-lighttpd-)/;

/** Whether the app may set this header on an offload response. */
export function isAppHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return !SERVER_OWNED.has(lower) && !DELIVERY_HEADER.test(lower);
}

/** Content-Type, Content-Disposition and the app's allowed extra headers. */
export function offloadHeaders(options: ResolvedDeliveryOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers)) {
    if (isAppHeader(name) && !isTypeOrDisposition(name)) headers[name] = value;
  }
  headers['Content-Type'] = options.contentType;
  headers['Content-Disposition'] = contentDisposition(options.filename, options.disposition);
  return headers;
}

function isTypeOrDisposition(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'content-type' || lower === 'content-disposition';
}
