/**
 * Shared by the sendoff server scripts: the Deliverer an application would build (LocalStorage
 * over the files root, a policy that always picks directStream) and the download a URL path names.
 */
import { LocalStorage, createDelivery, directStream, type Deliverer, type LocalStorageCacheOptions } from '@sendoff/core';

/** The lookup cache the "cached" contenders opt into: a hot file's lookup reused for up to a second. */
export const BENCH_CACHE: LocalStorageCacheOptions = { maxAgeMs: 1000 };

export function directStreamDeliverer(root: string, cache?: LocalStorageCacheOptions): Deliverer {
  return createDelivery({
    environment: 'production',
    storage: new LocalStorage({ root, ...(cache && { cache }) }),
    strategies: [directStream()],
    policy: { rules: [], fallback: 'directStream' },
  });
}

/** The key is the URL path without its leading slash; undefined for an undecodable path (the framework's 404). */
export function downloadOf(path: string): { key: string; disposition: 'inline' } | undefined {
  try {
    return { key: decodeURIComponent(path.slice(1)), disposition: 'inline' };
  } catch {
    return undefined;
  }
}
