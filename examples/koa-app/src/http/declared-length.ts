import type { IncomingMessage } from 'node:http';

/** Whether the request declares a body (Content-Length) longer than `maxBytes`; a chunked one declares none. */
export function declaresMoreThan(req: IncomingMessage, maxBytes: number): boolean {
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > maxBytes;
}
