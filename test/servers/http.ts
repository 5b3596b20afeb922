/**
 * A client that sends the request path exactly as written (no URL normalisation, so `..`,
 * `%2e%2e` and encoded slashes reach the server) and returns status, lower-case headers and bytes.
 */
import { request } from 'node:http';
import { Readable } from 'node:stream';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function get(baseUrl: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers: { 'accept-encoding': 'identity', ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: flatten(res.headers), body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
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

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
