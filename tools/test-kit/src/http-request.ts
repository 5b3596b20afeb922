/**
 * One HTTP/1.1 request with node:http, the path and query sent exactly as written (no URL
 * normalisation: `..`, `%2e%2e` and encoded slashes reach the server), no connection reuse, no
 * decoding of any kind: the status, the headers (names lower-case, repeated fields joined with
 * `, `) and the body's bytes.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** What a response brought: its status, its headers (names lower-case), its body's bytes. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawResponse extends HttpResponse {
  /** The body parsed as JSON. */
  json<T = any>(): T;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent with its Content-Length. */
  body?: Buffer | string;
  /** The local address the request leaves from (e.g. `127.0.0.2`: another client on loopback). */
  localAddress?: string;
}

export function request(url: string, options: RequestOptions = {}): Promise<RawResponse> {
  const { hostname, port, origin } = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: hostname, port, path: url.slice(origin.length) || '/', method: options.method ?? 'GET', headers, agent: false, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: joined(res.headers), body, json: () => JSON.parse(body.toString('utf8')) });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function joined(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}
