/**
 * Where clients reach the app, as the person starting it says: `PUBLIC_URL` (the base of every link
 * the app hands out) and `TRUST_PROXY` (whether `X-Forwarded-Proto` / `X-Forwarded-Host` count).
 * Both are checked at start, so a typo fails with one clear line instead of producing bad links.
 */

const PUBLIC_URL_RULE = 'PUBLIC_URL must be an absolute http(s) URL with no query, fragment or credentials, such as https://files.example.com';

/** The normalised `PUBLIC_URL` (no trailing slash), or undefined when it is unset or empty. */
export function publicUrlFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (url === undefined) throw new Error(`${PUBLIC_URL_RULE}; got ${JSON.stringify(raw)}`);
  if (url.username !== '' || url.password !== '') throw new Error(`${PUBLIC_URL_RULE}; got a URL with credentials`);
  const isWebUrl = url.protocol === 'http:' || url.protocol === 'https:';
  if (!isWebUrl || raw.includes('?') || raw.includes('#')) throw new Error(`${PUBLIC_URL_RULE}; got ${JSON.stringify(raw)}`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `TRUST_PROXY`: `1` when a proxy the app trusts sets `X-Forwarded-*`; `0`, empty or unset otherwise. */
export function trustProxyFrom(raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0') return false;
  if (raw === '1') return true;
  throw new Error(`TRUST_PROXY must be 0 or 1, got ${JSON.stringify(raw)}`);
}
