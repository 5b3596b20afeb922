/**
 * Contender: node:http + sendoff as in sendoff-node.ts, over a LocalStorage with its opt-in lookup
 * cache (`cache: { maxAgeMs: 1000 }`): a hot file's lookup and descriptor reused for up to a second.
 */
import { rootFromArgv } from './announce.js';
import { BENCH_CACHE, directStreamDeliverer } from './deliverer.js';
import { serveDeliveries } from './node-deliveries.js';

serveDeliveries(directStreamDeliverer(rootFromArgv(), BENCH_CACHE));
