/**
 * The in-process traffic source: streams in flight now, downloads and bytes per second over a
 * sliding window of whole seconds. Every Deliverer has one; it is also the fleet's numbers when
 * there is no fleet source (one process is the whole fleet) or it does not answer in time.
 */
import { configInvalid } from '../errors/sendoff-error.js';
import { RateWindow } from './rate-window.js';
import type { TrafficSnapshot, TrafficSource } from './types.js';

export const DEFAULT_WINDOW_SECONDS = 10;

export interface LocalTrafficOptions {
  /** Length of the rate window in seconds (whole, 1-3600). Default 10. */
  windowSeconds?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
}

export interface LocalTraffic extends TrafficSource {
  readonly name: 'local';
  snapshot(): TrafficSnapshot;
}

export function localTraffic(options: LocalTrafficOptions = {}): LocalTraffic {
  const windowSeconds = checkWindowSeconds(options.windowSeconds ?? DEFAULT_WINDOW_SECONDS);
  const downloads = new RateWindow(windowSeconds, options.now);
  const bytes = new RateWindow(windowSeconds, options.now);
  let streams = 0;
  return {
    name: 'local',
    streamStarted() {
      streams++;
    },
    streamEnded() {
      streams = Math.max(0, streams - 1);
    },
    recordDownload(size) {
      downloads.add(1);
      if (Number.isFinite(size) && size > 0) bytes.add(size);
    },
    snapshot() {
      return { streams, downloadsPerSecond: downloads.perSecond(), bytesPerSecond: bytes.perSecond() };
    },
  };
}

/** A whole number of seconds from 1 to an hour; CONFIG_INVALID otherwise. */
export function checkWindowSeconds(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 3600) {
    throw configInvalid(`traffic window: windowSeconds must be a whole number of seconds from 1 to 3600, got ${String(value)}`);
  }
  return value;
}
