import type { Context } from 'koa';
import type { AppSettings } from '../settings.js';
import { badRequest } from './app-error.js';

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could bend a URL. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The base of the links the app hands out: `PUBLIC_URL` when set, else the origin the request came
 * to (its Host; `X-Forwarded-Proto` / `X-Forwarded-Host` only when the app trusts a proxy, Koa's
 * `app.proxy`). Never the address the app listens on, which may be `0.0.0.0` or a private port.
 */
export function linkBase(ctx: Context, settings: AppSettings): string {
  if (settings.publicUrl !== undefined) return settings.publicUrl;
  if (!HOST.test(ctx.host)) throw badRequest('the request has no usable Host to build a link on; set PUBLIC_URL');
  return `${ctx.protocol}://${ctx.host}`;
}
