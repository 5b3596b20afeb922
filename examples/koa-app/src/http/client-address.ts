import type { Context } from 'koa';

/**
 * The address of the client a request came from, as far as the app can trust it:
 * - with `TRUST_PROXY=1`, Koa's `ctx.ip` (the app sets `maxIpsCount = 1`, so it is the last
 *   `X-Forwarded-For` entry: the one the trusted proxy added, never one a client wrote);
 * - behind the profile's own front server (nginx, Apache, lighttpd, Caddy started by the app), the
 *   last `X-Forwarded-For` entry, which each of them appends from the connection it accepted;
 * - otherwise the connection's own address.
 * Only the address is taken from the front server: `X-Forwarded-Host` / `-Proto` still need
 * `TRUST_PROXY`, because nginx passes a client's own `X-Forwarded-Host` through unchanged.
 */
export function clientAddress(ctx: Context, behindFrontServer: boolean): string {
  if (!behindFrontServer || ctx.app.proxy) return ctx.ip;
  return lastForwardedFor(ctx.get('X-Forwarded-For')) ?? ctx.ip;
}

function lastForwardedFor(header: string): string | undefined {
  const last = header.split(',').at(-1)?.trim();
  return last === undefined || last === '' ? undefined : last;
}
