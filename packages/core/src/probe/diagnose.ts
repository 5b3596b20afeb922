/**
 * Names the likely misconfiguration behind a failed probe check (the start-up check and
 * `sendoff doctor`), from the web server the response came from (its `Server` header) and the
 * symptom.
 */
export type FrontKind = 'nginx' | 'apache' | 'lighttpd' | 'caddy' | 'unknown';

/** The response headers a web server consumes; the client must never see one. */
export const DELIVERY_HEADERS = ['x-accel-redirect', 'x-sendfile', 'x-lighttpd-send-file', 'x-sendfile2'] as const;

/** Which web server answered, from its `Server` header. */
export function frontKindOf(serverHeader: string): FrontKind {
  const value = serverHeader.toLowerCase();
  if (value.includes('nginx')) return 'nginx';
  if (value.includes('apache')) return 'apache';
  if (value.includes('lighttpd')) return 'lighttpd';
  if (value.includes('caddy')) return 'caddy';
  return 'unknown';
}

/** Why `header` reached the client through `front`. */
export function whyHeaderLeaked(header: string, front: FrontKind, prefix: string): string {
  const shown = displayName(header);
  if (header === 'x-accel-redirect') {
    if (front === 'nginx') return `${shown} reached the client: nginx ignores it (proxy_ignore_headers X-Accel-Redirect?) or has no internal location for ${prefix}`;
    if (front === 'caddy') return `${shown} reached the client: the Caddyfile's reverse_proxy has no handle_response for X-Accel-Redirect`;
    return `${shown} reached the client: no nginx or Caddy in front intercepts it (is the URL the web server, not the app?)`;
  }
  if (header === 'x-sendfile') {
    if (front === 'apache') return `${shown} reached the client: Apache XSendFile is Off (or mod_xsendfile is not loaded)`;
    if (front === 'lighttpd') return `${shown} reached the client: lighttpd x-sendfile not enabled for the proxy backend ("x-sendfile" => "enable")`;
    return `${shown} reached the client: no Apache or lighttpd in front intercepts it (is the URL the web server, not the app?)`;
  }
  if (front === 'lighttpd') return `${shown} reached the client: over mod_proxy lighttpd honours only X-Sendfile (use the xSendfile strategy)`;
  return `${shown} reached the client: the web server in front does not honour it`;
}

/** Why the probe body came back empty. */
export function whyBodyEmpty(front: FrontKind, prefix: string): string {
  switch (front) {
    case 'lighttpd': return 'body empty: lighttpd x-sendfile not enabled for the proxy backend';
    case 'apache': return 'body empty: Apache XSendFile is Off (or mod_xsendfile is not loaded)';
    case 'nginx': return `body empty: nginx did not serve the file from the internal location ${prefix}`;
    case 'caddy': return 'body empty: the Caddyfile does not serve the file in handle_response (file_server missing?)';
    default: return 'body empty: no web server in front honoured the delivery header';
  }
}

/** Why the probe did not answer 200. */
export function whyStatus(status: number, front: FrontKind, prefix: string): string {
  const got = `got ${status}`;
  if (front === 'nginx' && status === 404) return `${got}: nginx has no internal location for ${prefix} (the redirect went back to the app) or its alias is not the storage root`;
  if (front === 'nginx' && status === 403) return `${got}: nginx workers cannot read the storage root (check its permissions and the \`user\` directive)`;
  if (front === 'apache' && status === 404) return `${got}: the storage root is not under Apache's XSendFilePath, or the file is missing`;
  if (front === 'apache' && status === 403) return `${got}: Apache's worker user cannot read the storage root`;
  if (front === 'lighttpd' && status === 403) return `${got}: the storage root is not under lighttpd's x-sendfile-docroot`;
  if (front === 'lighttpd' && status === 404) return `${got}: lighttpd could not find the file under x-sendfile-docroot (wrong root?)`;
  if (front === 'caddy' && status === 404) return `${got}: Caddy's handle_response root is not the storage root`;
  if (status === 404) return `${got}: the probe route is missing (the app must expose the probe) or the file is missing`;
  return `${got}, expected 200`;
}

/** Whether the strategy the app named is the one that streams the bytes from Node itself. */
export function isStreamedByApp(strategy: string): boolean {
  return strategy === 'directStream';
}

/** Why a web server is in front but the app still streams the file. */
export function whyNotOffloaded(strategy: string, front: FrontKind): string {
  return `the app streams the file itself (${strategy}): the offload is not in use; ${front} only proxies the bytes (the policy's offload rule did not match, or the strategy cannot serve the storage)`;
}

/** Why the bytes differ from the probe file. */
export function whyBodyDiffers(size: number, expected: number): string {
  return `body differs from the probe file (${size} bytes, expected ${expected}): the web server serves another root than the app's storage, or a filter rewrote it`;
}

function displayName(header: string): string {
  const names: Record<string, string> = {
    'x-accel-redirect': 'X-Accel-Redirect',
    'x-sendfile': 'X-Sendfile',
    'x-lighttpd-send-file': 'X-LIGHTTPD-send-file',
    'x-sendfile2': 'X-Sendfile2',
  };
  return names[header] ?? header;
}
