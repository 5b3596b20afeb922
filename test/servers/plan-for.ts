/**
 * The plan an offload strategy makes for a file of a LocalStorage root, outside any server: what
 * the app hands the web server (its delivery headers), for tests that check the server's side.
 */
import { LocalStorage, validateKey, type DeliveryPlan } from '@sendoff/core';
import type { OffloadStrategy } from '@sendoff/core/servers';

/** The strategy's plan for a plain GET of `key` under `root`. */
export async function planFor(strategy: OffloadStrategy, root: string, key: string): Promise<DeliveryPlan> {
  const storage = new LocalStorage({ root });
  const valid = validateKey(key);
  const stat = await storage.stat(valid);
  const file = { key: valid, stat, location: await storage.locate(valid), open: () => storage.open(valid) };
  return strategy.plan({ method: 'GET', headers: {} }, file, {
    filename: valid.split('/').pop() as string,
    disposition: 'attachment',
    contentType: stat.contentType ?? 'application/octet-stream',
    headers: {},
  });
}

/** The plan's headers a web server consumes (X-Accel-*, X-Sendfile*, X-LIGHTTPD-*), names lower-cased. */
export function deliveryHeadersOf(plan: DeliveryPlan): Record<string, string> {
  return Object.fromEntries(
    Object.entries(plan.headers).filter(([name]) => /^(x-accel-|x-sendfile|x-lighttpd-)/i.test(name)).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
