/**
 * What a client sees of a download whose source does not deliver the length the answer promised
 * (a file cut while it is read, one that grew since it was looked at, an object body that ends
 * early): the transfer must fail. Two views, each a check that throws when the download could
 * pass for a whole one:
 *
 * - `expectFetchToFail`: fetch (undici) gets the status and headers, then the body read rejects;
 * - `expectConnectionToCloseShort`: on a kept-alive connection with a second request pipelined
 *   behind the download, the connection ends before the promised body is complete. A server that
 *   ends the body short but keeps the connection answers the second request on it, and its bytes
 *   would complete the first body for any keep-alive client.
 *
 * Every byte that does arrive must be a prefix of `expected` (the file as the download began).
 */
import { strict as assert } from 'node:assert';
import { openSocket, parseResponse, verbatimPath, type RequestHeaders } from './http-client.js';

export interface CutShortCheck {
  /** The bytes the answer was planned for: whatever arrives must be their beginning. */
  expected: Buffer;
  /** The status of the answer (200, or 206 for a range). */
  status: number;
  headers?: RequestHeaders;
}

/** Fetches `url`: the head arrives with `status`, then reading the body fails. */
export async function expectFetchToFail(url: string, check: CutShortCheck): Promise<void> {
  const response = await fetch(url, { headers: { 'accept-encoding': 'identity', ...check.headers }, redirect: 'manual' });
  assert.equal(response.status, check.status, `status of ${url}`);
  const received = await response.arrayBuffer().then(
    (body) => Buffer.from(body),
    (error: unknown) => error,
  );
  assert.ok(!Buffer.isBuffer(received), `${url}: the body arrived as a whole (${Buffer.isBuffer(received) ? received.length : 0} bytes, Content-Length ${response.headers.get('content-length')})`);
  assert.ok(received instanceof Error, `${url}: the body read failed with a non-error`);
}

/**
 * GETs `url` on a kept-alive connection with a second GET of it pipelined behind (that one asks
 * to close): the connection must end with fewer bytes after the first head than its
 * Content-Length, all of them the beginning of `expected`.
 */
export async function expectConnectionToCloseShort(url: string, check: CutShortCheck): Promise<void> {
  const raw = await pipelinedExchange(url, check.headers ?? {});
  const first = parseResponse(raw);
  assert.equal(first.status, check.status, `status of ${url}`);
  const promised = Number(first.headers['content-length']);
  assert.ok(Number.isSafeInteger(promised), `${url}: no Content-Length`);
  assert.ok(
    first.body.length < promised,
    `${url}: the connection carried ${first.body.length} bytes after a head promising ${promised}: a keep-alive client reads them as a whole body`,
  );
  assert.ok(check.expected.subarray(0, first.body.length).equals(first.body), `${url}: the bytes that arrived are not the file's beginning`);
}

/** Two GETs of `url` written at once on one connection; every byte it carried until it ended. */
function pipelinedExchange(url: string, headers: RequestHeaders): Promise<Buffer> {
  const target = new URL(url);
  const path = verbatimPath(url);
  const socket = openSocket(target);
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    // A connection the server resets still ends the exchange; only one that never opened fails it.
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.write(requestHead(target, path, headers, false) + requestHead(target, path, headers, true));
  });
}

function requestHead(target: URL, path: string, headers: RequestHeaders, close: boolean): string {
  const lines = [`GET ${path} HTTP/1.1`, `Host: ${target.host}`, `Connection: ${close ? 'close' : 'keep-alive'}`, 'Accept-Encoding: identity'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}
