// @sendoff/redis: the state several processes share, in Redis through the app's ioredis client:
// fleet-wide traffic for the policy, and revocable, limited-use links.
export { redisTraffic, DEFAULT_TRAFFIC_PREFIX, DEFAULT_REDIS_TIMEOUT_MS, DEFAULT_PROCESS_TTL_MS } from './redis-traffic.js';
export type { RedisTraffic, RedisTrafficOptions } from './redis-traffic.js';
export { redisLinkStore, DEFAULT_LINK_PREFIX } from './redis-link-store.js';
export type { RedisLinkStoreOptions } from './redis-link-store.js';
