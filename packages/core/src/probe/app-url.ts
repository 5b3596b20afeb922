/**
 * The URL of one of the app's routes behind a public URL. A base path in the public URL is kept
 * (`https://example.org/app` + `/_sendoff/probe` → `https://example.org/app/_sendoff/probe`); its
 * query is dropped.
 */
export function appUrlOf(publicUrl: URL | string, path: string): URL {
  const base = new URL(publicUrl);
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
  url.search = '';
  url.hash = '';
  return url;
}
