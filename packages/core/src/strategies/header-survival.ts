/**
 * Which of the app's response headers reach the client once the web server has taken over the
 * transfer. Observed against nginx 1.22, Apache 2.4 + mod_xsendfile 0.12, lighttpd 1.4.69 and
 * Caddy 2.6 (the configs `generateServerConfig` writes); the integration tests under test/offload
 * check it.
 */
export type ServerKind = 'nginx' | 'apache' | 'lighttpd' | 'caddy';

export interface HeaderSurvival {
  /** `only`: just `names` survive. `allBut`: everything but `names` survives. */
  readonly mode: 'only' | 'allBut';
  /** Lower-case header names. */
  readonly names: readonly string[];
}

export const HEADER_SURVIVAL: Readonly<Record<ServerKind, HeaderSurvival>> = {
  // nginx copies only these from the upstream response across an X-Accel-Redirect; anything else
  // needs `add_header Name $upstream_http_name;` in the internal location.
  nginx: {
    mode: 'only',
    names: ['content-type', 'content-disposition', 'cache-control', 'expires', 'set-cookie', 'accept-ranges'],
  },
  // mod_xsendfile keeps the backend's headers and replaces the length and, without an ETag of the
  // app's, the validators.
  apache: { mode: 'allBut', names: ['content-length', 'content-encoding', 'x-sendfile'] },
  // lighttpd passes every backend header (Content-Encoding included: the app must not send one).
  lighttpd: { mode: 'allBut', names: ['content-length', 'x-sendfile'] },
  // The generated Caddyfile copies the backend's headers except these.
  caddy: {
    mode: 'allBut',
    names: ['x-accel-redirect', 'content-length', 'etag', 'last-modified', 'accept-ranges', 'content-encoding'],
  },
};

/** Whether the header `name` set by the app reaches the client through `server`. */
export function survivesHandoff(server: ServerKind, name: string, keep: readonly string[] = []): boolean {
  const lower = name.toLowerCase();
  if (keep.some((kept) => kept.toLowerCase() === lower)) return true;
  const rule = HEADER_SURVIVAL[server];
  const listed = rule.names.includes(lower);
  return rule.mode === 'only' ? listed : !listed;
}
