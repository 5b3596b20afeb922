/**
 * The integration suite's requests: a GET (or another method) of a path under a server, sent
 * exactly as written with the test kit's `request` (`..`, `%2e%2e` and encoded slashes reach the
 * server), asking for no content coding; a POST through fetch; and the backend's file URLs.
 */
import { Readable } from 'node:stream';
import { request, type HttpResponse as RawResponse } from '@sendoff-tools/test-kit';

export type { HttpResponse as RawResponse } from '@sendoff-tools/test-kit';

export function get(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return request(`${baseUrl}${path}`, { method, headers: { 'accept-encoding': 'identity', ...headers } });
}

/**
 * A POST of `body` with fetch, which reads an answer the server sends before it has read the whole
 * body (node:http reports the connection reset instead). A stream body goes out chunked.
 */
export async function post(baseUrl: string, path: string, body: Buffer | AsyncIterable<Buffer>): Promise<RawResponse> {
  const stream = Buffer.isBuffer(body) ? body : Readable.toWeb(Readable.from(body));
  const response = await fetch(new URL(path, baseUrl), { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
  return { status: response.status, headers: Object.fromEntries(response.headers), body: Buffer.from(await response.arrayBuffer()) };
}

/** `/files/<key>` with each key segment percent-encoded, plus an optional download name. */
export function fileUrl(key: string, name?: string): string {
  const path = `/files/${key.split('/').map(encodeURIComponent).join('/')}`;
  return name === undefined ? path : `${path}?name=${encodeURIComponent(name)}`;
}
