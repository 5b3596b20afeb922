/**
 * nginx offload: the app answers 200 with an empty body and `X-Accel-Redirect: <prefix><path>`;
 * nginx serves the file from an `internal` location aliased to `root` and answers Range and
 * conditional requests itself. nginx decodes the header once, so each segment is percent-encoded.
 */
import type { ResolvedFile } from '../contracts.js';
import { configInvalid } from '../errors/sendoff-error.js';
import { DOWNLOAD_SAFETY_HEADERS } from '../inline/defaults.js';
import { survivesHandoff, HEADER_SURVIVAL } from './header-survival.js';
import { encodePath } from './encode-path.js';
import { checkInternalPrefix } from './internal-prefix.js';
import { LocalRoot } from './local-root.js';
import { notExpressible } from './not-expressible.js';
import { offloadStrategy, type OffloadStrategyBase } from './offload-strategy.js';

export interface XAccelOptions {
  /** Absolute directory the internal location is aliased to. */
  root: string;
  /** Internal URI prefix; must start and end with `/` (e.g. `/_protected/`). */
  prefix: string;
  /** `X-Accel-Limit-Rate`, bytes per second (0 = unlimited). */
  limitRate?: number;
  /** `X-Accel-Buffering`. */
  buffering?: boolean;
  /** `X-Accel-Expires`: seconds, or an absolute date (only used with proxy_cache). */
  expires?: number | Date;
  /** `X-Accel-Charset`. */
  charset?: string;
  /**
   * Extra app headers the generated config re-adds in the internal location. The download safety
   * headers (`X-Content-Type-Options`, `Content-Security-Policy`) are always kept.
   */
  keepHeaders?: string[];
  /** Called once per header name the app sets that nginx would drop. Default: a process warning. */
  onDroppedHeader?: (name: string) => void;
  name?: string;
}

export interface XAccelStrategy extends OffloadStrategyBase<'nginx'> {
  readonly prefix: string;
  readonly keepHeaders: readonly string[];
  /** Lower-case names of the app headers that reach the client. */
  readonly survivingHeaders: readonly string[];
  /** The names among `headers` nginx drops after the handoff (with this strategy's keepHeaders). */
  droppedHeaders(headers: Record<string, string>): string[];
  /** The `X-Accel-Redirect` value for a file under the root. */
  headerValue(file: ResolvedFile): string;
}

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

export function xAccel(options: XAccelOptions): XAccelStrategy {
  const name = options.name ?? 'xAccel';
  const root = new LocalRoot(options.root, name);
  const prefix = checkInternalPrefix(options.prefix, name);
  const keepHeaders = withSafetyHeaders(checkHeaderNames(options.keepHeaders ?? [], name));
  const accel = accelHeaders(options, name);
  const report = reporter(options.onDroppedHeader, name);

  const droppedHeaders = (headers: Record<string, string>): string[] =>
    Object.keys(headers).filter((header) => !survivesHandoff('nginx', header, keepHeaders));

  // canServe and plan of one request ask for the same file: the value is computed once.
  const valueOf = root.derive((segments) => prefix + encodePath(segments).slice(1));
  const refusal = 'the file is not a local file under the strategy root';
  const headerValue = (file: ResolvedFile): string => {
    const value = valueOf(file);
    if (value === undefined) throw notExpressible(name, refusal);
    return value;
  };

  const strategy = offloadStrategy({
    name,
    server: 'nginx',
    root,
    header: 'X-Accel-Redirect',
    valueOf,
    refusal,
    extraHeaders: (_file, appHeaders) => {
      droppedHeaders(appHeaders).forEach(report);
      return accel;
    },
  });
  return {
    ...strategy,
    prefix,
    keepHeaders,
    survivingHeaders: [...HEADER_SURVIVAL.nginx.names, ...keepHeaders.map((h) => h.toLowerCase())],
    droppedHeaders,
    headerValue,
  };
}

function checkHeaderNames(names: string[], owner: string): string[] {
  for (const header of names) {
    if (!/^[A-Za-z0-9-]+$/.test(header)) throw configInvalid(`${owner}: invalid header name ${JSON.stringify(header)}`);
  }
  return [...names];
}

/** The safety headers first, then the app's own, each name once (case-insensitive). */
function withSafetyHeaders(names: string[]): string[] {
  const kept = new Map<string, string>();
  for (const header of [...DOWNLOAD_SAFETY_HEADERS, ...names]) if (!kept.has(header.toLowerCase())) kept.set(header.toLowerCase(), header);
  return [...kept.values()];
}

function accelHeaders(options: XAccelOptions, owner: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (options.limitRate !== undefined) {
    if (!Number.isSafeInteger(options.limitRate) || options.limitRate < 0) throw configInvalid(`${owner}: limitRate must be a non-negative integer`);
    headers['X-Accel-Limit-Rate'] = String(options.limitRate);
  }
  if (options.buffering !== undefined) headers['X-Accel-Buffering'] = options.buffering ? 'yes' : 'no';
  if (options.expires !== undefined) headers['X-Accel-Expires'] = expiresValue(options.expires, owner);
  if (options.charset !== undefined) {
    if (!TOKEN.test(options.charset)) throw configInvalid(`${owner}: invalid charset`);
    headers['X-Accel-Charset'] = options.charset;
  }
  return headers;
}

function expiresValue(expires: number | Date, owner: string): string {
  if (expires instanceof Date) {
    const time = expires.getTime();
    if (Number.isNaN(time)) throw configInvalid(`${owner}: expires is an invalid date`);
    return `@${Math.floor(time / 1000)}`;
  }
  if (!Number.isSafeInteger(expires) || expires < 0) throw configInvalid(`${owner}: expires must be a non-negative integer of seconds`);
  return String(expires);
}

function reporter(callback: ((name: string) => void) | undefined, owner: string): (header: string) => void {
  const seen = new Set<string>();
  return (header) => {
    const lower = header.toLowerCase();
    if (seen.has(lower)) return;
    seen.add(lower);
    if (callback) callback(header);
    else process.emitWarning(`${owner}: nginx drops the "${header}" header after X-Accel-Redirect; add it to keepHeaders and regenerate the config`, { code: 'SENDOFF_HEADER_DROPPED' });
  };
}

