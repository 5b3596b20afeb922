/**
 * One radosgw cluster per test process: started by the first suite that asks for it, shared by
 * every later one (each gets its own bucket), stopped by the root `afterAll` hook of
 * `@sendoff-tools/test-kit/mocha-hooks` (which the root `.mocharc.json` loads). A start that failed
 * fails every suite that asks, at once, with the same error.
 */
import type { Radosgw } from './radosgw.js';

let shared: Promise<Radosgw> | undefined;

export function sharedRadosgw(): Promise<Radosgw> {
  shared ??= import('./radosgw.js').then(({ startRadosgw }) => startRadosgw());
  return shared;
}

/** Stops the shared cluster if this process started one. */
export async function stopSharedRadosgw(): Promise<void> {
  const starting = shared;
  shared = undefined;
  const cluster = await starting?.catch(() => undefined);
  await cluster?.stop();
}
