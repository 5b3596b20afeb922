/**
 * Several app processes behind one nginx, sharing a Redis (`REDIS_URL`): local files under
 * `<dataDir>/files`, streamed by each process while the fleet is quiet and handed to nginx
 * (X-Accel-Redirect) once the whole fleet streams more than `FLEET_STREAMS_ABOVE` files at once
 * (default 8). Link revocations and uses live in the same Redis, so any process checks any link.
 *
 * The profile starts no web server: one nginx in front of every process is started apart, from
 * `sendoff config nginx --upstream <app 1> --upstream <app 2> …` (see docs/multi-process.md).
 * When Redis is slow or down, each process decides on its own streams within `REDIS_TIMEOUT_MS`
 * (default 50) and every download keeps working.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { LocalStorage, directStream, xAccel } from '@sendoff/core';
import { redisLinkStore, redisTraffic } from '@sendoff/redis';
import type { Profile } from './profile.js';

export const FLEET_INTERNAL_PREFIX = '/_protected/';
const DEFAULT_STREAMS_ABOVE = 8;
const DEFAULT_REDIS_TIMEOUT_MS = 50;

export const fleet: Profile = {
  name: 'fleet',
  description: 'one of several processes behind one nginx: direct streams until the fleet (counted in Redis) is busy, then X-Accel-Redirect',
  async createDelivery({ dataDir, env }) {
    const url = env['REDIS_URL'];
    if (url === undefined || url === '') throw new Error('the fleet profile needs REDIS_URL (e.g. redis://127.0.0.1:6379)');
    const streamsAbove = wholeNumberFrom(env['FLEET_STREAMS_ABOVE'], 'FLEET_STREAMS_ABOVE', DEFAULT_STREAMS_ABOVE);
    const timeoutMs = wholeNumberFrom(env['REDIS_TIMEOUT_MS'], 'REDIS_TIMEOUT_MS', DEFAULT_REDIS_TIMEOUT_MS) || DEFAULT_REDIS_TIMEOUT_MS;
    const client = redisClient(url, timeoutMs);
    const traffic = redisTraffic({ client, timeoutMs });
    const root = path.join(dataDir, 'files');
    const offload = xAccel({ root, prefix: FLEET_INTERNAL_PREFIX });
    const stream = directStream();
    return {
      config: {
        environment: 'production',
        storage: new LocalStorage({ root }),
        strategies: [offload, stream],
        policy: { rules: [{ name: 'offload when the fleet is busy', use: offload.name, fleetStreamsAbove: streamsAbove }], fallback: stream.name },
        traffic,
      },
      linkStore: redisLinkStore({ client }),
      notes: [`traffic and links in Redis at ${redactedUrl(url)}; nginx takes over above ${streamsAbove} direct streams fleet-wide`],
      async close() {
        await traffic.close();
        client.disconnect();
      },
    };
  },
};

/**
 * A client that never makes a download wait: commands time out, nothing queues while Redis is
 * away, and it keeps reconnecting in the background.
 */
function redisClient(url: string, timeoutMs: number): Redis {
  const client = new Redis(url, {
    commandTimeout: Math.max(timeoutMs, 100),
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let reported = false;
  client.on('ready', () => (reported = false));
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    console.error(`redis unavailable (${error.message}); deciding on this process's own traffic until it is back`);
  });
  return client;
}

function wholeNumberFrom(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

/** The URL without its password, for the start-up note. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'REDIS_URL';
  }
}
