/**
 * The storage contract (`describeStorage` of the testing kit) against the core's storages:
 * LocalStorage in a temp directory (also with its opt-in cache), and a FallbackStorage over two of them (writes go to the
 * first, reads find them there). S3Storage runs the same suite in @sendoff/s3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStorage } from '../testing/storage-contract.js';
import { FallbackStorage } from './fallback-storage.js';
import { LocalStorage } from './local-storage.js';

let base = '';

describeStorage({
  name: 'LocalStorage',
  async start() {
    base = await mkdtemp(join(tmpdir(), 'sendoff-contract-local-'));
    return new LocalStorage({ root: join(base, 'root') });
  },
  stop: () => rm(base, { recursive: true, force: true }),
});

let cachedBase = '';

describeStorage({
  name: 'LocalStorage with a cache',
  async start() {
    cachedBase = await mkdtemp(join(tmpdir(), 'sendoff-contract-cached-'));
    return new LocalStorage({ root: join(cachedBase, 'root'), cache: { maxAgeMs: 60_000 } });
  },
  stop: () => rm(cachedBase, { recursive: true, force: true }),
});

let fallbackBase = '';

describeStorage({
  name: 'FallbackStorage over two LocalStorages',
  async start() {
    fallbackBase = await mkdtemp(join(tmpdir(), 'sendoff-contract-fallback-'));
    return new FallbackStorage([new LocalStorage({ root: join(fallbackBase, 'primary') }), new LocalStorage({ root: join(fallbackBase, 'secondary') })]);
  },
  stop: () => rm(fallbackBase, { recursive: true, force: true }),
});
