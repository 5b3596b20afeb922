/** What the Deliverer would hand a strategy, built from a storage for one key. */
import type { Key, ResolvedDeliveryOptions, ResolvedFile, Storage } from '@sendoff/core';

export async function resolveFile(storage: Storage, key: Key): Promise<ResolvedFile> {
  const [stat, location] = await Promise.all([storage.stat(key), storage.locate(key)]);
  return { key, stat, location, open: (options) => storage.open(key, options) };
}

export function downloadOptions(overrides: Partial<ResolvedDeliveryOptions> = {}): ResolvedDeliveryOptions {
  return { filename: 'report.txt', disposition: 'attachment', contentType: 'text/plain', headers: {}, ...overrides };
}
