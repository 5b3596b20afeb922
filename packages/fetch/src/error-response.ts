import { STATUS_CODES } from 'node:http';
import { isSendoffError } from '@sendoff/core';

/**
 * The web `Response` of a failed delivery. An exposed SendoffError (a bad key 400, a missing file
 * 404, a 403, a 416 with its `Content-Range`) shows its status, its headers and its message; an
 * unexposed one (a storage that failed: 502, 503) its status and the status's name only; any
 * other error is a bare 500. Nothing else of the error (cause, stack, paths) reaches the client.
 */
export function errorResponse(error: unknown): Response {
  const status = isSendoffError(error) && isErrorStatus(error.status) ? error.status : 500;
  const exposed = isSendoffError(error) && error.expose;
  const message = exposed ? error.message : (STATUS_CODES[status] ?? 'Error');
  const headers: Record<string, string> = exposed ? { ...error.headers } : {};
  headers['Content-Type'] = 'text/plain; charset=utf-8';
  return new Response(message, { status, headers });
}

function isErrorStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 400 && status <= 599;
}
