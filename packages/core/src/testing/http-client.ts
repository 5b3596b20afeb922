/**
 * The two clients of the conformance kit. `fetchResponse` uses Node's fetch (undici) for ordinary
 * requests; `rawResponse` writes the request on a bare socket and returns every byte after the
 * header block, so "no body" on HEAD and 304 is checked on the wire, not through a parser that
 * would hide stray bytes.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface ConformanceResponse {
  status: number;
  /** Lower-case names; repeated fields joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

export type RequestHeaders = Record<string, string>;

const HEAD_END = Buffer.from('\r\n\r\n');

/** GET/HEAD through fetch; no redirect following, no content coding. */
export async function fetchResponse(url: string, method: string, headers: RequestHeaders = {}): Promise<ConformanceResponse> {
  const response = await fetch(url, {
    method,
    redirect: 'manual',
    headers: { 'accept-encoding': 'identity', ...headers },
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: Object.fromEntries(response.headers), body };
}

/** One request with `Connection: close` on a bare socket; `body` is everything after the head. */
export async function rawResponse(url: string, method: string, headers: RequestHeaders = {}): Promise<ConformanceResponse> {
  const target = new URL(url);
  const socket = openSocket(target);
  // No half-close: many servers drop a connection whose client ended its side before the answer.
  socket.write(requestHead(target, verbatimPath(url), method, headers));
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return parseResponse(Buffer.concat(chunks));
}

export function openSocket(target: URL): Socket {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (target.protocol === 'https:') {
    return connectTls({ host, port: Number(target.port || 443), servername: host });
  }
  return connectTcp({ host, port: Number(target.port || 80) });
}

/** The path and query exactly as given: `URL` would resolve `..` segments a test wants to send. */
export function verbatimPath(url: string): string {
  const path = /^[a-z]+:\/\/[^/?#]*([^#]*)/i.exec(url)?.[1] ?? '';
  return path.startsWith('/') ? path : `/${path}`;
}

function requestHead(target: URL, path: string, method: string, headers: RequestHeaders): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${target.host}`, 'Connection: close'];
  lines.push('Accept-Encoding: identity');
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

export function parseResponse(raw: Buffer): ConformanceResponse {
  const end = raw.indexOf(HEAD_END);
  if (end === -1) throw new Error(`incomplete HTTP response head: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...fields] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const field of fields) {
    const colon = field.indexOf(':');
    const name = field.slice(0, colon).trim().toLowerCase();
    const value = field.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status, headers, body: raw.subarray(end + HEAD_END.length) };
}
