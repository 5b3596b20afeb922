/**
 * The traffic facts for one decision: this process's counters, and the fleet's when a rule asks
 * for them. A fleet source gets a bounded time to answer; past it, or when it fails, the fleet's
 * numbers are this process's and the facts say so (`fallback`), so a download never waits longer.
 */
import pTimeout from 'p-timeout';
import { DEFAULT_TRAFFIC_TIMEOUT_MS, type TrafficFacts, type TrafficSnapshot, type TrafficSource } from './types.js';

export async function readTraffic(local: TrafficSnapshot, fleet: TrafficSource | undefined, wantFleet: boolean): Promise<TrafficFacts> {
  if (!wantFleet || fleet === undefined) return { process: local, fleet: local, source: 'local', fallback: false };
  try {
    const answer = await pTimeout(Promise.resolve().then(() => fleet.snapshot()), { milliseconds: fleet.timeoutMs ?? DEFAULT_TRAFFIC_TIMEOUT_MS });
    if (!isSnapshot(answer)) throw new TypeError('not a traffic snapshot');
    return { process: local, fleet: answer, source: fleet.name, fallback: false };
  } catch {
    return { process: local, fleet: local, source: `local (${fleet.name} unavailable)`, fallback: true };
  }
}

function isSnapshot(value: unknown): value is TrafficSnapshot {
  const snapshot = value as Partial<TrafficSnapshot> | null;
  return (
    typeof snapshot === 'object' &&
    snapshot !== null &&
    [snapshot.streams, snapshot.downloadsPerSecond, snapshot.bytesPerSecond].every((number) => typeof number === 'number' && Number.isFinite(number))
  );
}
