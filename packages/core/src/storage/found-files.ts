/**
 * The files LocalStorage found lately, by key, oldest first out once `maxEntries` are kept.
 *
 * Every entry serves `open`: the descriptor is checked to be the file found (same device and
 * inode), so an entry of any age is safe there. With a `maxAgeMs` (LocalStorage's opt-in
 * `cache`), an entry younger than that also answers the lookup itself: no `realpath`, no `stat`
 * (and LocalStorage shares the file's descriptor through it). What is reused is a containment
 * check and the stats at most `maxAgeMs` old.
 */
import { performance } from 'node:perf_hooks';

export interface FoundFiles<T> {
  /** The latest entry of `key`, whatever its age. */
  latest(key: string): T | undefined;
  /** The entry of `key` when it is younger than `maxAgeMs`; never without a `maxAgeMs`. */
  fresh(key: string): T | undefined;
  remember(key: string, value: T): void;
  forget(key: string): void;
}

/** `onDrop` hears of every entry that goes: replaced, forgotten or evicted. */
export function foundFiles<T>(maxEntries: number, maxAgeMs: number | undefined, onDrop: (value: T) => void = () => undefined): FoundFiles<T> {
  const entries = new Map<string, { value: T; at: number }>();
  const drop = (key: string): void => {
    const entry = entries.get(key);
    if (entry === undefined) return;
    entries.delete(key);
    onDrop(entry.value);
  };
  return {
    latest: (key) => entries.get(key)?.value,
    fresh(key) {
      const entry = maxAgeMs === undefined ? undefined : entries.get(key);
      return entry && performance.now() - entry.at < (maxAgeMs as number) ? entry.value : undefined;
    },
    remember(key, value) {
      drop(key);
      if (entries.size >= maxEntries) drop(entries.keys().next().value as string);
      entries.set(key, { value, at: performance.now() });
    },
    forget: drop,
  };
}
