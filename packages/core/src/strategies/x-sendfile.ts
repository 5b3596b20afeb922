/**
 * Apache (mod_xsendfile) and lighttpd (mod_proxy x-sendfile) offload: the app answers 200 with
 * an empty body and `X-Sendfile: <absolute path>`. Apache reads the value as raw bytes (so raw
 * UTF-8, sent as latin1 chars) and needs the app's ETag, else every file gets `ETag: "0"`;
 * lighttpd percent-decodes it (so each segment is encoded) and checks it against its docroot.
 */
import type { ResolvedFile } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';
import { etagOf } from '../http/etag.js';
import { formatHttpDate } from '../http/http-date.js';
import { encodePath, rawUtf8Header } from './encode-path.js';
import { LocalRoot } from './local-root.js';
import { offloadStrategy, type OffloadStrategyBase } from './offload-strategy.js';

export interface XSendfileOptions {
  server: 'apache' | 'lighttpd';
  /** Absolute directory whitelisted in the server config (XSendFilePath / x-sendfile-docroot). */
  root: string;
  /** lighttpd only: `X-LIGHTTPD-KBytes-per-second`. */
  kbytesPerSecond?: number;
  name?: string;
}

export interface XSendfileStrategy extends OffloadStrategyBase<'apache' | 'lighttpd'> {
  /** The `X-Sendfile` value for a file, or undefined when the server cannot be told about it. */
  headerValue(file: ResolvedFile): string | undefined;
}

export function xSendfile(options: XSendfileOptions): XSendfileStrategy {
  const name = options.name ?? 'xSendfile';
  const server = checkServer(options.server, name);
  const root = new LocalRoot(options.root, name);
  const extra = rateHeaders(options, name);

  // canServe and plan of one request ask for the same file: the value is computed once.
  const headerValue = root.derive((segments): string | undefined => {
    const all = [...root.ownSegments(), ...segments];
    return server === 'apache' ? rawUtf8Header(`/${all.join('/')}`) : encodePath(all);
  });

  const strategy = offloadStrategy({
    name,
    server,
    root,
    header: 'X-Sendfile',
    valueOf: headerValue,
    refusal: `${server} cannot be told about this file (outside the root, or a control character in its path)`,
    extraHeaders: (file) => (server === 'apache' ? { ...apacheValidators(file), ...extra } : extra),
  });
  return { ...strategy, headerValue };
}

function checkServer(server: unknown, owner: string): 'apache' | 'lighttpd' {
  if (server === 'apache' || server === 'lighttpd') return server;
  throw configInvalid(`${owner}: server must be "apache" or "lighttpd"`);
}

function rateHeaders(options: XSendfileOptions, owner: string): Record<string, string> {
  if (options.kbytesPerSecond === undefined) return {};
  if (options.server !== 'lighttpd') throw configInvalid(`${owner}: kbytesPerSecond is a lighttpd option`);
  if (!Number.isSafeInteger(options.kbytesPerSecond) || options.kbytesPerSecond <= 0) {
    throw configInvalid(`${owner}: kbytesPerSecond must be a positive integer`);
  }
  return { 'X-LIGHTTPD-KBytes-per-second': String(options.kbytesPerSecond) };
}

/** Apache would otherwise answer `ETag: "0"` for every file behind the proxy: the tags directStream sends. */
function apacheValidators(file: ResolvedFile): Record<string, string> {
  return { ETag: etagOf(file.stat), 'Last-Modified': formatHttpDate(file.stat.mtime) };
}
