/**
 * Caddy offload: the same `X-Accel-Redirect` header as nginx, caught by `handle_response` in the
 * generated Caddyfile and rewritten onto a `file_server` rooted at `root`. Caddy puts the value
 * into the path raw (no percent-decoding), so it carries the root-relative path as raw UTF-8; a
 * `?` would split off a query, so such names cannot be expressed and the policy must fall back.
 */
import type { ResolvedFile } from '../contracts.js';
import { rawUtf8Header } from './encode-path.js';
import { LocalRoot } from './local-root.js';
import { offloadStrategy, type OffloadStrategyBase } from './offload-strategy.js';

export interface CaddyAccelOptions {
  /** Absolute directory the Caddyfile's `root` names. */
  root: string;
  name?: string;
}

export interface CaddyAccelStrategy extends OffloadStrategyBase<'caddy'> {
  /** The header value for a file, or undefined when Caddy cannot be told about it. */
  headerValue(file: ResolvedFile): string | undefined;
}

// `?` starts a query in Caddy's rewrite; controls can never go in a header. (`#`, `%`, spaces,
// braces and non-ASCII go through raw: checked against Caddy 2.6 by the integration tests.)
const UNEXPRESSIBLE = /[?\u0000-\u001f\u007f]/;

export function caddyAccel(options: CaddyAccelOptions): CaddyAccelStrategy {
  const name = options.name ?? 'caddyAccel';
  const root = new LocalRoot(options.root, name);

  // canServe and plan of one request ask for the same file: the value is computed once.
  const headerValue = root.derive((segments): string | undefined => {
    if (segments.some((segment) => UNEXPRESSIBLE.test(segment))) return undefined;
    return rawUtf8Header(`/${segments.join('/')}`);
  });

  const strategy = offloadStrategy({
    name,
    server: 'caddy',
    root,
    header: 'X-Accel-Redirect',
    valueOf: headerValue,
    refusal: 'Caddy cannot be told about this file (outside the root, or a name with "?" or a control character)',
  });
  return { ...strategy, headerValue };
}
