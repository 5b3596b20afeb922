import { once } from 'node:events';
import { Redis } from 'ioredis';

/** A client as the docs recommend: bounded commands, no offline queue, quick reconnects. */
export async function connect(url: string): Promise<Redis> {
  const client = new Redis(url, { commandTimeout: 200, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  client.on('error', () => {
    // Connection errors are expected once a test kills Redis; commands reject on their own.
  });
  if (client.status !== 'ready') await once(client, 'ready');
  return client;
}

/** Polls `read` until `accept` holds (at most `attempts` times, `intervalMs` apart); returns the last value read. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, attempts = 100, intervalMs = 20): Promise<T> {
  let value = await read();
  for (let attempt = 1; attempt < attempts && !accept(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}
