/**
 * How large a response header block from the app each generated config takes. The Deliverer
 * bounds what goes into a plan (a 1024-byte key, a 1024-byte download name, a 1024-byte content
 * type, 4096 bytes of extra headers), so the largest header block sendoff can produce for accepted
 * input is about 14 KiB, its longest line (Content-Disposition) about 5 KiB; every block limit
 * below is at least twice the block, every line limit 2 KiB above the line. Beyond a limit the
 * server answers 502 whatever the strategy (a direct stream goes through the same proxy), which is
 * why the bounds are enforced before planning rather than by a strategy declining.
 */
import type { ServerKind } from '../strategies/header-survival.js';

export interface HeaderLimits {
  /** The whole status line and header block. */
  readonly block: number;
  /** One `Name: value` line. */
  readonly line: number;
}

/** nginx `proxy_buffer_size` in the generated config: the app's whole header block must fit in it. */
export const NGINX_PROXY_BUFFER_BYTES = 32 * 1024;

/**
 * What each server takes from the app with the generated config, observed against the Debian
 * packages (at least this much; the integration tests deliver the largest accepted block through each).
 */
export const RESPONSE_HEADER_LIMITS: Readonly<Record<ServerKind, HeaderLimits>> = {
  nginx: { block: NGINX_PROXY_BUFFER_BYTES, line: NGINX_PROXY_BUFFER_BYTES },
  // mod_proxy reads each header line into a fixed 8 KiB buffer (no directive changes it); 64 KiB in
  // all went through.
  apache: { block: 64 * 1024, line: 8190 },
  // mod_proxy takes a header block of up to 64 KiB.
  lighttpd: { block: 64 * 1024, line: 64 * 1024 },
  // Go's HTTP client takes up to 10 MiB of response headers by default.
  caddy: { block: 10 * 1024 * 1024, line: 10 * 1024 * 1024 },
};
