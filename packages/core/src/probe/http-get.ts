/**
 * A plain GET that keeps what the server sent: status, lower-case headers and the raw body bytes
 * (no redirect following, no decompression), so the start-up check and the doctor see exactly
 * what a client would get. `timeoutMs` bounds the whole exchange, body included.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function httpGet(url: URL, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<RawResponse> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { 'accept-encoding': 'identity', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })));
      res.on('error', (error) => settle(() => reject(error)));
    });
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`no answer within ${timeoutMs} ms`)));
      req.destroy();
    }, timeoutMs);
    function settle(done: () => void): void {
      clearTimeout(timer);
      done();
    }
    req.on('error', (error) => settle(() => reject(error)));
    req.end();
  });
}

/** A header's single value ('' when absent). */
export function headerOf(response: RawResponse, name: string): string {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}
