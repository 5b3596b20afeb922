/**
 * Fleet-wide traffic in Redis: every process publishes its own streams in flight under its own
 * entry, renewed by a heartbeat and dropped when it stops (a crashed process's streams stop
 * counting after `processTtlMs`), and counts its downloads and bytes in per-second counters that
 * Redis expires. A snapshot sums every live entry and the window's counters in one script.
 *
 * Nothing here makes a download wait: writes are fire-and-forget and skipped while the client is
 * not connected (the next heartbeat publishes the count again), and a snapshot fails at once when
 * the client is not connected. The Deliverer bounds a snapshot with `timeoutMs` and decides on the
 * process's own counters past it.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { DEFAULT_WINDOW_SECONDS, configInvalid, type TrafficSnapshot, type TrafficSource } from '@sendoff/core';
import { isReady, runScript } from './run-script.js';
import { PUBLISH_STREAMS, RECORD_DOWNLOAD, SNAPSHOT, WITHDRAW } from './traffic-scripts.js';

export const DEFAULT_TRAFFIC_PREFIX = 'sendoff:traffic:';
export const DEFAULT_REDIS_TIMEOUT_MS = 50;
export const DEFAULT_PROCESS_TTL_MS = 15_000;

export interface RedisTrafficOptions {
  /** The app's ioredis client (set its `commandTimeout` too: see docs/multi-process.md). */
  client: Redis;
  /** Prefix of every key; processes that count together share it. Default `sendoff:traffic:`. */
  prefix?: string;
  /** How long a decision waits for a snapshot before using this process's counters. Default 50 ms. */
  timeoutMs?: number;
  /** Length of the rate window in seconds (1-3600). Default 10. */
  windowSeconds?: number;
  /** How long this process's streams stay counted without a heartbeat; renewed every third of it. Default 15 s. */
  processTtlMs?: number;
  /** This process's name in Redis. Default `<hostname>:<pid>:<random>`. */
  processId?: string;
}

export interface RedisTraffic extends TrafficSource {
  readonly name: 'redis';
  readonly timeoutMs: number;
  readonly processId: string;
  /** This process's streams in flight (what it publishes). */
  readonly streams: number;
  snapshot(): Promise<TrafficSnapshot>;
  /** Stops the heartbeat and withdraws this process's entry (its streams stop counting at once). */
  close(): Promise<void>;
}

export function redisTraffic(options: RedisTrafficOptions): RedisTraffic {
  const client = checkClient(options?.client);
  const prefix = options.prefix ?? DEFAULT_TRAFFIC_PREFIX;
  const timeoutMs = positive(options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS, 'timeoutMs');
  const windowSeconds = windowOf(options.windowSeconds ?? DEFAULT_WINDOW_SECONDS);
  const processTtlMs = positive(options.processTtlMs ?? DEFAULT_PROCESS_TTL_MS, 'processTtlMs');
  const processId = options.processId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const keys = { streams: `${prefix}streams`, alive: `${prefix}alive`, downloads: `${prefix}downloads:`, bytes: `${prefix}bytes:` };
  const counterLifetimeSeconds = windowSeconds + 5;

  let streams = 0;
  let publishing = false;
  let dirty = false;
  let closed = false;

  const publish = (): void => {
    if (closed || !isReady(client)) return;
    if (publishing) {
      dirty = true;
      return;
    }
    publishing = true;
    dirty = false;
    runScript(client, PUBLISH_STREAMS, [keys.streams, keys.alive], [processId, streams, processTtlMs])
      .catch(() => {
        // Redis is away: the heartbeat publishes again once it is back.
      })
      .finally(() => {
        publishing = false;
        if (dirty) publish();
      });
  };
  const heartbeat = setInterval(publish, Math.max(1, Math.floor(processTtlMs / 3)));
  heartbeat.unref();
  client.on('ready', publish);
  publish();

  return {
    name: 'redis',
    timeoutMs,
    processId,
    get streams() {
      return streams;
    },
    streamStarted() {
      streams++;
      publish();
    },
    streamEnded() {
      streams = Math.max(0, streams - 1);
      publish();
    },
    recordDownload(bytes) {
      if (closed || !isReady(client)) return;
      const size = Number.isSafeInteger(bytes) && bytes > 0 ? bytes : 0;
      runScript(client, RECORD_DOWNLOAD, [keys.downloads, keys.bytes], [size, counterLifetimeSeconds]).catch(() => {
        // A download that could not be counted fleet-wide still counts in this process.
      });
    },
    async snapshot() {
      if (!isReady(client)) throw new Error(`redis is not connected (${client.status})`);
      const answer = await runScript(client, SNAPSHOT, [keys.streams, keys.alive, keys.downloads, keys.bytes], [windowSeconds]);
      const [fleetStreams, downloads, bytes] = (answer as Array<number | string>).map(Number) as [number, number, number];
      return { streams: fleetStreams, downloadsPerSecond: downloads / windowSeconds, bytesPerSecond: bytes / windowSeconds };
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      client.off('ready', publish);
      if (isReady(client)) await runScript(client, WITHDRAW, [keys.streams, keys.alive], [processId]).catch(() => undefined);
    },
  };
}

function checkClient(client: Redis | undefined): Redis {
  if (typeof client !== 'object' || client === null || typeof client.evalsha !== 'function') {
    throw configInvalid('redisTraffic: client must be an ioredis client');
  }
  return client;
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw configInvalid(`redisTraffic: ${name} must be a positive number of milliseconds`);
  return value;
}

function windowOf(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 3600) throw configInvalid('redisTraffic: windowSeconds must be a whole number of seconds from 1 to 3600');
  return value;
}
